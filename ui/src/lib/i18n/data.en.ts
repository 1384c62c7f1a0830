// Settings → Your data (English); data.vi.ts has the same keys.
export const dataEn = {
  "data.title": "Your data",
  "data.intro":
    "A backup holds everything Halley keeps: conversations with every branch, attachments and kept files, assistants, presets, providers, MCP servers and settings. Never your keys: they stay in the system keyring, so a restore on another computer asks for them once.",
  "data.backupNow": "Back up now",
  "data.backingUp": "Backing up…",
  "data.backedUp": "Backup saved to {path} ({contents}).",
  "data.automatic": "Back up automatically every day",
  "data.keep": "Keep the last",
  "data.keepUnit": "automatic backups",
  "data.backupsHere": "Backups in the data folder",
  "data.noBackups": "No backups in the data folder yet.",
  "data.restore": "Restore…",
  "data.restoreFile": "Restore from a file…",
  "data.restoring": "Restoring…",
  "data.confirmTitle": "Restore “{name}”?",
  "data.modeReplace": "Replace everything",
  "data.modeReplaceHint":
    "What is in Halley now is replaced by the backup. A copy of it is kept first in the data folder’s backups.",
  "data.modeMerge": "Merge",
  "data.modeMergeHint":
    "Adds what the backup has and Halley lacks. Nothing here is changed or removed; restoring the same backup again adds nothing.",
  "data.restoredReplace": "Restored. Everything now comes from the backup ({contents}).",
  "data.restoredMerge": "Merged. Added: {contents}.",
  "data.import": "Import",
  "data.importChatgpt": "From ChatGPT (conversations.json)…",
  "data.importHalley": "From Halley JSON…",
  "data.importing": "Importing…",
  "data.importHint":
    "In ChatGPT: Settings → Data controls → Export; unzip the file you get and pick conversations.json. Edited messages and regenerated answers come in as branches.",
  "data.imported":
    "Imported {count, plural, one {# conversation} other {# conversations}} ({messages, plural, one {# message} other {# messages}}).",
  "data.importedAlready": "{count} were already here and were left as they are.",
  "data.importedLeftOut": "Not in the file, so left out: {what}.",
  "data.leftOut.image": "images",
  "data.leftOut.audio": "audio",
  "data.leftOut.noAuthor": "messages without an author",
  "data.leftOut.noContent": "messages without content",
  "data.leftOut.role": "messages from “{name}”",
  "data.leftOut.content": "content of the kind “{name}”",
  "data.leftOut.unnamed": "content of no stated kind",
  "data.exportAll": "Export all conversations",
  "data.exportAllMarkdown": "As Markdown",
  "data.exportAllJson": "As JSON",
  "data.exporting": "Exporting…",
  "data.count.conversations": "conversations: {count}",
  "data.count.messages": "messages: {count}",
  "data.count.files": "files: {count}",
  "data.count.assistants": "assistants: {count}",
  "data.count.presets": "presets: {count}",
  "data.count.providers": "providers: {count}",
  "data.count.nothing": "nothing new",
  "data.error.not_a_backup": "This file is not a Halley backup. Nothing was changed. ({detail})",
  "data.error.backup_damaged":
    "This backup is cut short or damaged, so it was not restored. Nothing was changed. ({detail})",
  "data.error.backup_newer":
    "This backup was made by a newer Halley. Update Halley to restore it. Nothing was changed. ({detail})",
  "data.error.import_not_json":
    "This file is not JSON. For ChatGPT, unzip the export and pick conversations.json. Nothing was imported.",
  "data.error.import_not_recognised": "This file is not that kind of export. Nothing was imported.",
  "data.error.import_newer":
    "This export was made by a newer Halley. Update Halley to import it. Nothing was imported. ({detail})",
  "data.error.import_unreadable":
    "Part of this export cannot be read, so nothing was imported. ({detail})",
  "data.error.busy":
    "An answer is still being written. Stop it or wait for it, then restore. ({detail})",
} as const;
