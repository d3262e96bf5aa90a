#Requires -Version 7
<#
.SYNOPSIS
  The guard's runner-side front end: parses commands with PowerShell's own parser
  (System.Management.Automation.Language.Parser) and binds parameters with StaticParameterBinder,
  then prints the normalized form (runner/src/guard/parsed-command.ts) as JSON.
.DESCRIPTION
  Input: JSON { commands: [{ text, depth, via }], aliases } on stdin or base64 in -InputBase64.
  Output: a JSON array, one entry per command ("assignments": left sides, classified by
  classify-assignment.ts). Nested shells are expanded by the TypeScript wrapper.
#>
param([string] $InputBase64)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
[Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false)
[Console]::InputEncoding = [System.Text.UTF8Encoding]::new($false)

$L = 'System.Management.Automation.Language'
$inputJson = if ($InputBase64) {
  [System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($InputBase64))
} else {
  [Console]::In.ReadToEnd()
}
$request = $inputJson | ConvertFrom-Json -AsHashtable

# The Windows reading of aliases (rm, ls, cp... are native programs on Linux): a missing one is
# defined when first met, so Get-Command and StaticParameterBinder resolve it to the cmdlet.
# Looking up every alias up front costs seconds (each miss scans all modules), hence lazily.
$windowsAliases = if ($request.ContainsKey('aliases') -and $request.aliases) { $request.aliases } else { @{} }
$commandCache = @{}

function Set-SessionAlias([string] $name, [string] $target) {
  try { Set-Alias -Name $name -Value $target -Scope Script -Force -ErrorAction Stop } catch { $null = $_ }
}

function Resolve-CommandInfo([string] $name) {
  $key = $name.ToLowerInvariant()
  if ($commandCache.ContainsKey($key)) { return $commandCache[$key] }
  $info = Get-Command -Name $name -ErrorAction SilentlyContinue | Select-Object -First 1
  if ((-not $info -or $info.CommandType -eq 'Application') -and $windowsAliases.ContainsKey($key)) {
    $target = Get-Command -Name $windowsAliases[$key] -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($target) {
      Set-SessionAlias $name $target.Name
      $info = $target
    }
  }
  if ($info -and $info.CommandType -eq 'Alias') { $info = $info.ResolvedCommand }
  $commandCache[$key] = $info
  $info
}

# `Set-Alias ls Remove-Item; ls -Recurse x`: within one command text, later commands bind to the
# redefined target. The session aliases are restored after each command of the batch.
$redefined = [System.Collections.Generic.List[object]]::new()

function Register-Redefinition($bound) {
  if (-not ($bound.ContainsKey('Name') -and $bound.ContainsKey('Value'))) { return }
  $name = $bound['Name'].ConstantValue
  $value = $bound['Value'].ConstantValue
  if (-not ($name -is [string] -and $value -is [string])) { return }
  $key = $name.ToLowerInvariant()
  $previous = if ($commandCache.ContainsKey($key)) { $commandCache[$key] } else { $null }
  $old = Get-Alias -Name $name -ErrorAction SilentlyContinue
  $redefined.Add(@{ name = $name; key = $key; old = $(if ($old) { $old.Definition } else { $null }); cached = $previous; hadCache = $commandCache.ContainsKey($key) })
  Set-SessionAlias $name $value
  $commandCache.Remove($key)
}

function Reset-Redefinitions {
  for ($i = $redefined.Count - 1; $i -ge 0; $i--) {
    $r = $redefined[$i]
    if ($r.old) { Set-SessionAlias $r.name $r.old } else { Remove-Item -LiteralPath "Alias:$($r.name)" -Force -ErrorAction SilentlyContinue }
    if ($r.hadCache) { $commandCache[$r.key] = $r.cached } else { $commandCache.Remove($r.key) }
  }
  $redefined.Clear()
}

function New-List { , [System.Collections.Generic.List[object]]::new() }

function ConvertTo-ArgValue($ast) {
  $items = New-List
  $static = $true
  $nodes = if ($ast -is [System.Management.Automation.Language.ArrayLiteralAst]) { $ast.Elements } else { @($ast) }
  foreach ($node in $nodes) {
    if ($node -is [System.Management.Automation.Language.StringConstantExpressionAst]) {
      $items.Add($node.Value)
    } elseif ($node -is [System.Management.Automation.Language.ConstantExpressionAst]) {
      $items.Add($node.Extent.Text)
    } elseif ($node -is [System.Management.Automation.Language.VariableExpressionAst] -and
      $node.VariablePath.UserPath -in @('true', 'false', 'null')) {
      $items.Add($node.Extent.Text)
    } elseif ($node -is [System.Management.Automation.Language.ExpandableStringExpressionAst]) {
      $items.Add($node.Value)
      if ($node.NestedExpressions.Count -gt 0) { $static = $false }
    } elseif ($node -is [System.Management.Automation.Language.ScriptBlockExpressionAst]) {
      $items.Add($node.Extent.Text)
    } else {
      $items.Add($node.Extent.Text)
      $static = $false
    }
  }
  [ordered]@{ text = ($items -join ','); items = $items; static = $static }
}

function Get-Depth($ast) {
  $depth = 0
  for ($p = $ast.Parent; $null -ne $p; $p = $p.Parent) {
    if ($p -is [System.Management.Automation.Language.StatementBlockAst] -or
      ($p -is [System.Management.Automation.Language.ScriptBlockAst] -and $null -ne $p.Parent)) { $depth++ }
  }
  $depth
}

function ConvertFrom-CommandAst($cmd, [int] $baseDepth, [string] $baseVia, $result) {
  $first = $cmd.CommandElements[0]
  $staticName = $first -is [System.Management.Automation.Language.StringConstantExpressionAst]
  $rawName = if ($staticName) { $first.Value } elseif ($first -is [System.Management.Automation.Language.ScriptBlockExpressionAst]) { '<scriptblock>' } else { $first.Extent.Text }
  if ($first -is [System.Management.Automation.Language.ScriptBlockExpressionAst]) { $staticName = $true }
  $via = switch ($cmd.InvocationOperator) { 'Ampersand' { 'call-operator' } 'Dot' { 'dot-source' } default { $null } }
  if (-not $staticName) {
    $result.dynamic.Add([ordered]@{ kind = $(if ($via) { 'call-variable' } else { 'dynamic-name' }); text = $rawName })
  }
  $depth = $baseDepth + (Get-Depth $cmd)
  if (-not $via) { $via = if ($depth -gt $baseDepth) { 'scriptblock' } else { $baseVia } }

  $resolvedName = $rawName
  $commandType = $null
  $bound = @{}
  $errors = @{}
  if ($staticName -and $rawName -ne '<scriptblock>') {
    $lookup = $rawName -replace '^.*\\(?=[^\\]+$)', ''
    if ($rawName -match '^[\w.]+\\[\w-]+$') { $lookup = $rawName.Substring($rawName.LastIndexOf('\') + 1) }
    $info = Resolve-CommandInfo $lookup
    if ($info -and $rawName -notmatch '[\\/]' -or ($info -and $rawName -match '^[\w.]+\\[\w-]+$')) {
      $resolvedName = $info.Name
      $commandType = [string]$info.CommandType
    }
    if ($commandType -in @('Cmdlet', 'Function')) {
      try {
        $binding = [System.Management.Automation.Language.StaticParameterBinder]::BindCommand($cmd, $true)
        foreach ($key in $binding.BoundParameters.Keys) { $bound[$key] = $binding.BoundParameters[$key] }
        foreach ($key in $binding.BindingExceptions.Keys) { $errors[$key] = $binding.BindingExceptions[$key] }
        if ($resolvedName -in @('Set-Alias', 'New-Alias')) { Register-Redefinition $bound }
      } catch {
        $result.parseErrors.Add("parameter binding failed for ${rawName}: $($_.Exception.Message)")
      }
    }
  }

  $parameters = New-List
  $positional = New-List
  $argv = New-List
  $consumed = [System.Collections.Generic.HashSet[object]]::new()
  $namedBound = [System.Collections.Generic.HashSet[string]]::new([System.StringComparer]::OrdinalIgnoreCase)
  $elements = $cmd.CommandElements
  for ($i = 1; $i -lt $elements.Count; $i++) {
    $element = $elements[$i]
    if ($element -is [System.Management.Automation.Language.CommandParameterAst]) {
      $written = $element.ParameterName
      $value = $null
      if ($element.Argument) { $value = ConvertTo-ArgValue $element.Argument; [void]$consumed.Add($element.Argument) }
      $argv.Add($(if ($value) { "-${written}:$($value.text)" } else { "-$written" }))
      $name = $written.ToLowerInvariant()
      $resolution = 'unknown'
      if ($commandType -in @('Cmdlet', 'Function')) {
        $match = $null
        foreach ($key in $bound.Keys) {
          $meta = $bound[$key].Parameter
          if ($null -eq $meta) { continue }
          $names = @($meta.Name) + @($meta.Aliases)
          if ($names | Where-Object { $_ -eq $written }) { $match = $meta; $resolution = 'exact'; break }
          if ($names | Where-Object { $_.StartsWith($written, [System.StringComparison]::OrdinalIgnoreCase) }) { $match = $meta; $resolution = 'prefix' }
        }
        if ($match) {
          $name = $match.Name.ToLowerInvariant()
          [void]$namedBound.Add($match.Name)
          $boundValue = $bound[$match.Name].Value
          if (-not $value -and $null -ne $boundValue -and $boundValue -ne $element -and $i + 1 -lt $elements.Count -and
            [object]::ReferenceEquals($boundValue, $elements[$i + 1])) {
            $value = ConvertTo-ArgValue $boundValue
            [void]$consumed.Add($boundValue)
            $argv.Add($value.text)
            $i++
          }
        } elseif ($errors.ContainsKey($written) -and $errors[$written].BindingException.ErrorId -eq 'AmbiguousParameter') {
          $resolution = 'ambiguous'
        }
      }
      $parameter = [ordered]@{ name = $name; rawName = $written; resolution = $resolution }
      if ($value) { $parameter.value = $value }
      $parameters.Add($parameter)
    } elseif (-not $consumed.Contains($element)) {
      if ($element -is [System.Management.Automation.Language.VariableExpressionAst] -and $element.Splatted) {
        $result.dynamic.Add([ordered]@{ kind = 'splatting'; text = "@$($element.VariablePath.UserPath)" })
      }
      $value = ConvertTo-ArgValue $element
      $positional.Add($value)
      $argv.Add($value.text)
    }
  }
  foreach ($key in $bound.Keys) {
    if ($namedBound.Contains($key)) { continue }
    $boundValue = $bound[$key].Value
    if ($null -eq $boundValue) { continue }
    $parameters.Add([ordered]@{ name = $key.ToLowerInvariant(); rawName = '#'; value = (ConvertTo-ArgValue $boundValue); resolution = 'positional' })
  }
  $result.invocations.Add([ordered]@{
      rawName = $rawName; resolvedName = $resolvedName; commandType = $commandType; staticName = $staticName
      parameters = $parameters; positional = $positional; argv = $argv; invokedVia = $via; depth = $depth
    })
}

$streams = @{ Output = '>'; Error = '2>'; Warning = '3>'; Verbose = '4>'; Debug = '5>'; Information = '6>'; All = '*>' }
$results = New-List
foreach ($command in $request.commands) {
  $baseDepth = if ($command.ContainsKey('depth')) { [int]$command.depth } else { 0 }
  $baseVia = if ($command.ContainsKey('via') -and $command.via) { [string]$command.via } else { 'direct' }
  $result = [ordered]@{ invocations = (New-List); redirections = (New-List); dotnetCalls = (New-List); dynamic = (New-List); parseErrors = (New-List); assignments = (New-List) }
  $tokens = $null
  $parseErrors = $null
  $ast = [System.Management.Automation.Language.Parser]::ParseInput([string]$command.text, [ref]$tokens, [ref]$parseErrors)
  foreach ($e in $parseErrors) { $result.parseErrors.Add("$($e.ErrorId): $($e.Message)") }
  $nodes = $ast.FindAll({ $true }, $true)
  # One command this script cannot normalize must not sink the batch: it becomes a parse error
  # (never allowed) for that command only.
  try {
  foreach ($node in $nodes) {
    if ($node -is [System.Management.Automation.Language.CommandAst]) {
      ConvertFrom-CommandAst $node $baseDepth $baseVia $result
    } elseif ($node -is [System.Management.Automation.Language.FileRedirectionAst]) {
      $operator = $streams[[string]$node.FromStream] + $(if ($node.Append) { '>' } else { '' })
      $result.redirections.Add([ordered]@{ operator = $operator; target = (ConvertTo-ArgValue $node.Location); append = $node.Append })
    } elseif ($node -is [System.Management.Automation.Language.MemberExpressionAst]) {
      $isCall = $node -is [System.Management.Automation.Language.InvokeMemberExpressionAst]
      if (-not ($isCall -or $node.Static)) { continue }
      $member = if ($node.Member -is [System.Management.Automation.Language.StringConstantExpressionAst]) { $node.Member.Value.ToLowerInvariant() } else { '<dynamic>' }
      $type = if (-not $node.Static) { '<instance>' }
      elseif ($node.Expression -is [System.Management.Automation.Language.TypeExpressionAst]) {
        ($node.Expression.TypeName.FullName -replace '\s', '').ToLowerInvariant() -replace '^system\.', ''
      } else { '<dynamic>' }
      $result.dotnetCalls.Add([ordered]@{ type = $type; member = $member })
    } elseif ($node -is [System.Management.Automation.Language.AssignmentStatementAst]) {
      $result.assignments.Add($node.Left.Extent.Text)
    } elseif ($node -is [System.Management.Automation.Language.VariableExpressionAst] -and
      $node.VariablePath.UserPath -match 'PSDefaultParameterValues$') {
      $result.dynamic.Add([ordered]@{ kind = 'environment-change'; text = $node.Extent.Text })
    } elseif ($node -is [System.Management.Automation.Language.FunctionDefinitionAst]) {
      $keyword = if ($node.IsFilter) { 'filter' } elseif ($node.IsWorkflow) { 'workflow' } else { 'function' }
      $result.dynamic.Add([ordered]@{ kind = 'function-definition'; text = "$keyword $($node.Name)" })
    } elseif ($node -is [System.Management.Automation.Language.TypeDefinitionAst]) {
      $result.dynamic.Add([ordered]@{ kind = 'function-definition'; text = "class $($node.Name)" })
    } elseif ($node -is [System.Management.Automation.Language.UsingStatementAst]) {
      $argvUsing = New-List
      $argvUsing.Add([string]$node.UsingStatementKind)
      if ($node.Name) { $argvUsing.Add($node.Name.Value) }
      $result.invocations.Add([ordered]@{
          rawName = 'using'; resolvedName = 'using'; commandType = $null; staticName = $true; parameters = (New-List)
          positional = (New-List); argv = $argvUsing; invokedVia = $baseVia; depth = $baseDepth
        })
    }
  }
  } catch {
    $result.parseErrors.Add("the PowerShell front end could not normalize this command: $($_.Exception.Message)")
  }
  Reset-Redefinitions
  $results.Add($result)
}
ConvertTo-Json -InputObject $results -Depth 12 -Compress
