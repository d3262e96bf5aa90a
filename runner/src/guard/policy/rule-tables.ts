/** Cmdlets that only read or format, allowed when their parameters and paths are fine. */
export const SAFE_CMDLETS = new Set([
  'get-childitem', 'get-item', 'get-content', 'test-path', 'resolve-path', 'join-path', 'split-path',
  'convert-path', 'get-location', 'set-location', 'push-location', 'pop-location', 'select-string',
  'select-object', 'where-object', 'foreach-object', 'sort-object', 'group-object', 'measure-object',
  'format-table', 'format-list', 'format-wide', 'format-custom', 'format-hex', 'out-string', 'out-null',
  'out-host', 'out-default', 'write-output', 'write-host', 'write-verbose', 'write-warning',
  'write-information', 'write-debug', 'get-date', 'get-process', 'get-command', 'get-help', 'get-member',
  'convertto-json', 'convertfrom-json', 'convertto-csv', 'convertfrom-csv', 'import-csv', 'get-filehash',
  'compare-object', 'get-variable', 'get-alias', 'get-unique', 'get-module', 'get-psprovider', 'get-host',
  'get-culture', 'get-uiculture', 'get-uptime', 'get-timezone', 'get-verb', 'get-itemproperty',
  'get-itempropertyvalue', 'test-json', 'get-random', 'new-guid', 'join-string', 'select-xml', 'get-error',
  'get-history', 'start-sleep', 'measure-command', 'get-pscallstack', 'get-psdrive',
]);

/** Parameters of safe cmdlets that name a file system location to check against the root. */
export const PATH_PARAMETERS = new Set([
  'path', 'literalpath', 'destination', 'filepath', 'outfile', 'workingdirectory', 'infile',
  'redirectstandardoutput', 'redirectstandarderror', 'redirectstandardinput', 'pspath',
]);

/** Cmdlets whose Path parameters are plain strings, not locations that get touched. */
export const PATH_STRING_CMDLETS = new Set(['join-path', 'split-path']);

/** Wiping disks and volumes. */
export const VOLUME_DESTROYERS = new Set([
  'format-volume', 'clear-disk', 'initialize-disk', 'remove-partition', 'format', 'diskpart', 'mkfs',
  'fdisk', 'sfdisk', 'parted', 'wipefs', 'shred', 'set-disk', 'reset-physicaldisk',
]);

/** Shutting down or restarting the host. */
export const SHUTDOWN_COMMANDS = new Set(['stop-computer', 'restart-computer', 'shutdown', 'reboot', 'poweroff', 'halt']);

/** Weakening security: antivirus, firewall, remoting, execution policy, audit. */
export const SECURITY_DISABLERS = new Set([
  'set-mppreference', 'add-mppreference', 'disable-netfirewallrule', 'uninstall-windowsfeature',
  'disable-computerrestore', 'clear-eventlog', 'wevtutil', 'auditpol',
]);

/** Commands that fetch content from the network. */
export const DOWNLOADERS = new Set([
  'invoke-webrequest', 'invoke-restmethod', 'curl', 'wget', 'start-bitstransfer', 'bitsadmin', 'certutil',
]);

/** .NET members that fetch content from the network. */
export const DOWNLOAD_MEMBERS = new Set([
  'downloadstring', 'downloadfile', 'downloaddata', 'openread', 'getstringasync', 'getbytearrayasync', 'getasync', 'downloadstringasync',
]);

/** Programs that run whatever text they are given on stdin when called without a script. */
export const STDIN_INTERPRETERS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'python', 'python3', 'perl', 'ruby', 'node', 'pwsh', 'powershell', 'cmd']);

/** git subcommands that only read the repository. */
export const GIT_READ_SUBCOMMANDS = new Set([
  'status', 'log', 'diff', 'show', 'rev-parse', 'ls-files', 'blame', 'describe', 'shortlog', 'cat-file',
  'ls-tree', 'rev-list', 'merge-base', 'grep', 'version', 'whatchanged', 'name-rev',
]);

/** git options that run programs, write files or change configuration. */
export const GIT_RISKY_OPTION = /^(--output|--ext-diff|--textconv|--filters|--exec|--upload-pack|--receive-pack|--config|--open-files-in-pager|-O)/i;

/** git configuration keys whose value is a program git will run. */
export const GIT_CODE_CONFIG = /^(core\.(fsmonitor|hookspath|sshcommand|pager|editor|gitproxy|askpass)|alias\.|diff\..*\.(textconv|command)|diff\.external|filter\.|credential\.helper|include\.|includeif\.|sequence\.editor|gpg\.program|merge\..*\.driver|uploadpack\.|receivepack\.)/i;

/** Static .NET members that only compute values. `type::member`, lower case, no `System.`. */
export const SAFE_STATIC_MEMBERS = new Set([
  'math::*', 'string::join', 'string::format', 'string::isnullorempty', 'string::isnullorwhitespace', 'string::concat',
  'string::compare', 'string::equals', 'string::empty', 'datetime::now', 'datetime::utcnow', 'datetime::today',
  'datetime::parse', 'datetimeoffset::now', 'datetimeoffset::utcnow', 'timespan::fromseconds', 'timespan::fromminutes',
  'timespan::frommilliseconds', 'guid::newguid', 'io.path::combine', 'io.path::join', 'io.path::getfilename',
  'io.path::getextension', 'io.path::getdirectoryname', 'io.path::getfilenamewithoutextension', 'io.path::isrooted',
  'io.path::directoryseparatorchar', 'io.path::pathseparator', 'environment::newline', 'environment::processorcount',
  'environment::osversion', 'environment::is64bitprocess', 'int::maxvalue', 'int32::maxvalue', 'int64::maxvalue',
  'int::parse', 'int32::parse', 'double::parse', 'char::isdigit', 'char::isletter', 'version::parse',
  'regex::escape', 'regex::ismatch', 'regex::match', 'regex::matches', 'regex::replace', 'regex::split',
  'text.encoding::utf8', 'text.encoding::unicode', 'text.encoding::ascii', 'convert::toint32', 'convert::tostring',
  'convert::toboolean', 'convert::tobase64string', 'bitconverter::tostring', 'console::writeline', 'console::out',
]);

/** Instance members that only compute values (strings, collections). */
export const SAFE_INSTANCE_MEMBERS = new Set([
  'tostring', 'toupper', 'tolower', 'toupperinvariant', 'tolowerinvariant', 'trim', 'trimstart', 'trimend', 'split',
  'replace', 'substring', 'contains', 'startswith', 'endswith', 'indexof', 'lastindexof', 'padleft', 'padright',
  'equals', 'gettype', 'gethashcode', 'compareto', 'insert', 'getbytes', 'getstring', 'where', 'foreach',
  'containskey', 'add', 'toarray', 'tolist', 'getenumerator', 'normalize', 'tochararray', 'format',
]);

/** Static members that are known destructive. */
export const DENIED_STATIC_MEMBERS = new Map([
  ['io.directory::delete', 'recursive-delete'],
  ['microsoft.visualbasic.fileio.filesystem::deletedirectory', 'recursive-delete'],
]);
