; Inno Setup 6 script: an installer for the PyInstaller folder dist\Writer Assistant.
; Build on Windows after `pyinstaller packaging\writer_assistant.spec`:
;   iscc /DMyAppVersion=0.1.0 packaging\windows\writer-assistant.iss
; Output: dist\writer-assistant-<version>-windows-setup.exe

#ifndef MyAppVersion
  #define MyAppVersion "0.1.0"
#endif
#define MyAppName "Writer Assistant"
#define MyAppExeName "Writer Assistant.exe"

[Setup]
AppId={{6B1F2C3E-7A41-4C2B-9F0E-5D8A2E6B9C41}
AppName={#MyAppName}
AppVersion={#MyAppVersion}
AppPublisher=Writer Assistant developers
DefaultDirName={autopf}\{#MyAppName}
DefaultGroupName={#MyAppName}
DisableProgramGroupPage=yes
; Per-user install by default: no administrator rights needed.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\..\dist
OutputBaseFilename=writer-assistant-{#MyAppVersion}-windows-setup
SetupIconFile=writer-assistant.ico
UninstallDisplayIcon={app}\{#MyAppExeName}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible

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
Root: HKA; Subkey: "Software\Classes\WriterAssistant.Story"; ValueType: string; ValueName: ""; ValueData: "Writer Assistant story"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\WriterAssistant.Story\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#MyAppExeName},0"
Root: HKA; Subkey: "Software\Classes\WriterAssistant.Story\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#MyAppExeName}"" ""%1"""

[Run]
Filename: "{app}\{#MyAppExeName}"; Description: "{cm:LaunchProgram,{#MyAppName}}"; Flags: nowait postinstall skipifsilent
