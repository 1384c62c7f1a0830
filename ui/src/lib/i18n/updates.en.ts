// Update and start-up strings (English); updates.vi.ts has the same keys.
export const updatesEn = {
  "updates.title": "Updates",
  "updates.check": "Check for updates",
  "updates.checking": "Checking for updates…",
  "updates.upToDate": "Halley {version} is up to date.",
  "updates.available": "Halley {version} is available (you have {current}).",
  "updates.notes": "What’s new",
  "updates.published": "Published {date}",
  "updates.download": "Download and verify",
  "updates.downloading": "Downloading… {percent}",
  "updates.downloadingBytes": "Downloading… {size}",
  "updates.verified": "Downloaded, and the signature checks out. Install it now?",
  "updates.install": "Install update",
  "updates.installing": "Installing…",
  "updates.installed": "Halley {version} is installed. Restart to use it.",
  "updates.restart": "Restart now",
  "updates.later": "Later",
  "updates.toastAvailable": "Halley {version} is available",
  "updates.toastView": "View",
  "updates.signedNote":
    "Updates are signed; one whose signature does not match is never installed.",
  "updates.error.update_server":
    "The update server could not be reached or answered with an error. Try again later.",
  "updates.error.update_not_for_this_system":
    "The new version has no download for this system yet.",
  "updates.error.update_download_failed":
    "The download did not complete. Nothing was installed; try again.",
  "updates.error.update_bad_signature":
    "The downloaded update does not match its signature (corrupt or tampered). It was not installed.",
  "updates.error.update_install_failed":
    "The update could not be installed. This version is unchanged.",
  "updates.error.other": "The update failed: {message}",
  "instance.title": "Halley is already running",
  "instance.body":
    "Another Halley window is using the data folder {dataDir}. Only one Halley can use a data folder at a time, so this one has not opened it. Switch to the other window, or close it first.",
  "instance.quit": "Close this window",
} as const;
