; Inno Setup 6 script: an installer for the PyInstaller folder dist\Writer Assistant.
; Build on Windows after `pyinstaller packaging\writer_assistant.spec` (the workflow passes the
; package's version; there is no default, so a version is never typed here):
;   iscc /DMyAppVersion=0.1.0 /DMyAppNumericVersion=0.1.0.0 packaging\windows\writer-assistant.iss
; Signed (setup and uninstaller), with a sign tool named "signtool" defined on the command line:
;   iscc /DSignIt "/Ssigntool=signtool.exe sign /fd sha256 ... $f" ...
; Output: dist\writer-assistant-<version>-windows-setup.exe
; Reference: https://jrsoftware.org/ishelp/ (Setup section directives, [Registry], command line)

#ifndef MyAppVersion
  #error Pass the version: iscc /DMyAppVersion=X.Y.Z /DMyAppNumericVersion=X.Y.Z.0
#endif
#ifndef MyAppNumericVersion
  #define MyAppNumericVersion MyAppVersion
#endif
#define MyAppName "Writer Assistant"
#define MyAppExeName "Writer Assistant.exe"

[Setup]
AppId={{6B1F2C3E-7A41-4C2B-9F0E-5D8A2E6B9C41}
AppName={#MyAppName}
AppVersion={#MyAppVersion}
AppVerName={#MyAppName} {#MyAppVersion}
AppPublisher=Writer Assistant developers
VersionInfoVersion={#MyAppNumericVersion}
VersionInfoProductVersion={#MyAppNumericVersion}
VersionInfoProductTextVersion={#MyAppVersion}
VersionInfoDescription={#MyAppName} installer
DefaultDirName={autopf}\{#MyAppName}
DefaultGroupName={#MyAppName}
DisableProgramGroupPage=yes
; Per-user install by default (into %LOCALAPPDATA%\Programs): no administrator rights
; needed. /ALLUSERS on the command line, or the dialog, installs for everyone instead.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline dialog
; The .wstory association below: Explorer is told to refresh its icons and handlers.
ChangesAssociations=yes
OutputDir=..\..\dist
OutputBaseFilename=writer-assistant-{#MyAppVersion}-windows-setup
SetupIconFile=writer-assistant.ico
UninstallDisplayIcon={app}\{#MyAppExeName}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; A running app holds its files: setup asks to close it (Restart Manager) before replacing.
CloseApplications=yes
#ifdef SignIt
; Signs the setup and the uninstaller (SignedUninstaller defaults to yes with a SignTool).
SignTool=signtool
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "..\..\dist\Writer Assistant\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#MyAppName}"; Filename: "{app}\{#MyAppExeName}"
Name: "{autodesktop}\{#MyAppName}"; Filename: "{app}\{#MyAppExeName}"; Tasks: desktopicon

[Registry]
; .wstory files open in the app.
Root: HKA; Subkey: "Software\Classes\.wstory"; ValueType: string; ValueName: ""; ValueData: "WriterAssistant.Story"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.wstory\OpenWithProgids"; ValueType: string; ValueName: "WriterAssistant.Story"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\WriterAssistant.Story"; ValueType: string; ValueName: ""; ValueData: "Writer Assistant story"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\WriterAssistant.Story\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#MyAppExeName},0"
Root: HKA; Subkey: "Software\Classes\WriterAssistant.Story\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#MyAppExeName}"" ""%1"""

[Run]
Filename: "{app}\{#MyAppExeName}"; Description: "{cm:LaunchProgram,{#MyAppName}}"; Flags: nowait postinstall skipifsilent
