; Halley's Windows installer, compiled by a plain `makensis` (Debian's nsis
; package works): Tauri's own NSIS bundler fetches a plugin DLL from outside
; the package registries at build time, so it cannot build offline.
; See docs/release.md.
;
; makensis -DVERSION=0.1.0 -DSRCDIR=<folder with halley.exe, halley-cli.exe and
;   WebView2Loader.dll> -DOUTFILE=<setup.exe> -DICON=<icon.ico>
;   -DLICENSE=<LICENSE> halley.nsi
;
; Per-user install (no administrator rights) into %LOCALAPPDATA%\Halley, with
; the uninstall entry named "Halley": the same place and entry as Tauri's own
; NSIS installer in its default "currentUser" mode, which the release workflow
; builds and the updater runs, so an update of either replaces the other's
; files instead of installing a second copy. Silent: /S.

Unicode true
ManifestDPIAware true
Target amd64-unicode
SetCompressor /SOLID lzma

!ifndef VERSION
  !error "pass -DVERSION=x.y.z"
!endif
!ifndef SRCDIR
  !error "pass -DSRCDIR=<folder with halley.exe and WebView2Loader.dll>"
!endif
!ifndef OUTFILE
  !error "pass -DOUTFILE=<path of the setup .exe>"
!endif

!define PRODUCT "Halley"
!define IDENTIFIER "app.halley.desktop"
!define PUBLISHER "Halley developers"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${PRODUCT}"
; The WebView2 Runtime's registration, per machine and per user.
!define WEBVIEW2_GUID "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"
; Microsoft's Evergreen bootstrapper: fetched only on a machine without the
; runtime, at install time, never when the installer is built.
!define WEBVIEW2_BOOTSTRAPPER_URL "https://go.microsoft.com/fwlink/p/?LinkId=2124703"

Name "${PRODUCT}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\${PRODUCT}"
InstallDirRegKey HKCU "Software\${IDENTIFIER}" "InstallDir"
RequestExecutionLevel user
BrandingText "${PRODUCT} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${PRODUCT} installer"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "LegalCopyright" "MIT licence"

!include "MUI2.nsh"
!include "LogicLib.nsh"

!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\halley.exe"

!insertmacro MUI_PAGE_WELCOME
!ifdef LICENSE
  !insertmacro MUI_PAGE_LICENSE "${LICENSE}"
!endif
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The same two languages as the app; the installer follows Windows' language.
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "Vietnamese"

LangString WebView2Missing ${LANG_ENGLISH} "Halley needs the Microsoft Edge WebView2 Runtime. It will be downloaded and installed now."
LangString WebView2Missing ${LANG_VIETNAMESE} "Halley cần Microsoft Edge WebView2 Runtime. Trình cài đặt sẽ tải và cài nó ngay bây giờ."
LangString WebView2Failed ${LANG_ENGLISH} "The WebView2 Runtime could not be installed. Halley is installed, but will start only once the runtime is installed from Microsoft's website (search for 'WebView2 Runtime')."
LangString WebView2Failed ${LANG_VIETNAMESE} "Không cài được WebView2 Runtime. Halley đã được cài, nhưng chỉ chạy được sau khi bạn cài runtime này từ trang của Microsoft (tìm 'WebView2 Runtime')."
LangString HistoryKept ${LANG_ENGLISH} "Your conversations and settings are kept in $APPDATA\${IDENTIFIER}. Delete that folder yourself to remove them."
LangString HistoryKept ${LANG_VIETNAMESE} "Các cuộc trò chuyện và cài đặt của bạn vẫn được giữ trong $APPDATA\${IDENTIFIER}. Hãy tự xóa thư mục đó nếu muốn bỏ chúng."

Function .onInit
  SetShellVarContext current
FunctionEnd

Function un.onInit
  SetShellVarContext current
FunctionEnd

; Sets $0 to 1 when a WebView2 Runtime is registered (per machine or per
; user), else 0. An empty or "0.0.0.0" version means it was removed.
Function HasWebView2
  StrCpy $0 0
  SetRegView 64
  ReadRegStr $1 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_GUID}" "pv"
  ${If} $1 == ""
    ReadRegStr $1 HKLM "SOFTWARE\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_GUID}" "pv"
  ${EndIf}
  ${If} $1 == ""
    ReadRegStr $1 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_GUID}" "pv"
  ${EndIf}
  ${If} $1 != ""
  ${AndIf} $1 != "0.0.0.0"
    StrCpy $0 1
  ${EndIf}
FunctionEnd

Function InstallWebView2
  Call HasWebView2
  ${If} $0 == 1
    DetailPrint "WebView2 Runtime found"
    Return
  ${EndIf}
  DetailPrint "$(WebView2Missing)"
  ; urlmon is part of every Windows and speaks HTTPS; NSIS's own NSISdl
  ; plugin does not.
  StrCpy $2 "$PLUGINSDIR\MicrosoftEdgeWebview2Setup.exe"
  System::Call 'urlmon::URLDownloadToFileW(p 0, w "${WEBVIEW2_BOOTSTRAPPER_URL}", w r2, i 0, p 0) i .r3'
  ${If} $3 != 0
    DetailPrint "WebView2 download failed ($3)"
    MessageBox MB_ICONEXCLAMATION|MB_OK "$(WebView2Failed)" /SD IDOK
    Return
  ${EndIf}
  ExecWait '"$2" /silent /install' $3
  ${If} $3 != 0
    DetailPrint "WebView2 bootstrapper exited with $3"
    MessageBox MB_ICONEXCLAMATION|MB_OK "$(WebView2Failed)" /SD IDOK
  ${EndIf}
FunctionEnd

Section "Halley" SecMain
  SectionIn RO
  InitPluginsDir
  SetOutPath "$INSTDIR"
  ; A running copy would keep halley.exe locked; an update replaces it.
  File "${SRCDIR}\halley.exe"
  ; The command line (halley eval / ask) as a console program: halley.exe
  ; is a GUI program, which Windows gives no standard output.
  File "${SRCDIR}\halley-cli.exe"
  File "${SRCDIR}\WebView2Loader.dll"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortcut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\halley.exe"
  CreateShortcut "$DESKTOP\${PRODUCT}.lnk" "$INSTDIR\halley.exe"

  WriteRegStr HKCU "Software\${IDENTIFIER}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\halley.exe"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1

  Call InstallWebView2
SectionEnd

; Removes the program, its shortcuts and its registration. The history
; (%APPDATA%\app.halley.desktop) and the keys in Credential Manager are the
; user's and stay.
Section "Uninstall"
  Delete "$INSTDIR\halley.exe"
  Delete "$INSTDIR\halley-cli.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  Delete "$DESKTOP\${PRODUCT}.lnk"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\${IDENTIFIER}"
  DetailPrint "$(HistoryKept)"
SectionEnd
