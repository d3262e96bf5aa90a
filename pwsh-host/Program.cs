using Microsoft.PowerShell;

// pwsh's own arguments (-NoLogo -NoProfile -NonInteractive -ExecutionPolicy -File -Command ...)
// are parsed by the engine's command-line parser inside ConsoleShell.Start.
return ConsoleShell.Start(bannerText: null, helpText: null, args: args);
