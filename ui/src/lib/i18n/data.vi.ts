// Cài đặt → Dữ liệu của bạn (tiếng Việt); cùng các khoá với data.en.ts.
import type { dataEn } from "./data.en";

export const dataVi: Record<keyof typeof dataEn, string> = {
  "data.title": "Dữ liệu của bạn",
  "data.intro":
    "Bản sao lưu chứa mọi thứ Halley lưu giữ: các cuộc trò chuyện với mọi nhánh, tệp đính kèm và tệp đã lưu, trợ lý, preset, nhà cung cấp, máy chủ MCP và cài đặt. Không bao giờ có khoá của bạn: khoá nằm trong kho khoá của hệ thống, nên khi khôi phục trên máy khác Halley sẽ hỏi lại một lần.",
  "data.backupNow": "Sao lưu ngay",
  "data.backingUp": "Đang sao lưu…",
  "data.backedUp": "Đã lưu bản sao lưu vào {path} ({contents}).",
  "data.automatic": "Tự động sao lưu mỗi ngày",
  "data.keep": "Giữ lại",
  "data.keepUnit": "bản sao lưu tự động gần nhất",
  "data.backupsHere": "Các bản sao lưu trong thư mục dữ liệu",
  "data.noBackups": "Chưa có bản sao lưu nào trong thư mục dữ liệu.",
  "data.restore": "Khôi phục…",
  "data.restoreFile": "Khôi phục từ tệp…",
  "data.restoring": "Đang khôi phục…",
  "data.confirmTitle": "Khôi phục “{name}”?",
  "data.modeReplace": "Thay thế tất cả",
  "data.modeReplaceHint":
    "Mọi thứ hiện có trong Halley sẽ được thay bằng bản sao lưu. Trước đó một bản sao của chúng được giữ trong thư mục backups của dữ liệu.",
  "data.modeMerge": "Gộp",
  "data.modeMergeHint":
    "Thêm những gì bản sao lưu có mà Halley chưa có. Không gì ở đây bị sửa hay xoá; khôi phục lại cùng bản sao lưu sẽ không thêm gì.",
  "data.restoredReplace": "Đã khôi phục. Mọi thứ giờ lấy từ bản sao lưu ({contents}).",
  "data.restoredMerge": "Đã gộp. Đã thêm: {contents}.",
  "data.import": "Nhập",
  "data.importChatgpt": "Từ ChatGPT (conversations.json)…",
  "data.importHalley": "Từ JSON của Halley…",
  "data.importing": "Đang nhập…",
  "data.importHint":
    "Trong ChatGPT: Settings → Data controls → Export; giải nén tệp nhận được và chọn conversations.json. Tin nhắn đã sửa và câu trả lời tạo lại được nhập thành các nhánh.",
  "data.imported": "Đã nhập {count} cuộc trò chuyện ({messages} tin nhắn).",
  "data.importedAlready": "{count} cuộc đã có sẵn và được giữ nguyên.",
  "data.importedLeftOut": "Không có trong tệp nên bỏ qua: {what}.",
  "data.leftOut.image": "hình ảnh",
  "data.leftOut.audio": "âm thanh",
  "data.leftOut.noAuthor": "tin nhắn không có người gửi",
  "data.leftOut.noContent": "tin nhắn không có nội dung",
  "data.leftOut.role": "tin nhắn từ “{name}”",
  "data.leftOut.content": "nội dung loại “{name}”",
  "data.leftOut.unnamed": "nội dung không rõ loại",
  "data.exportAll": "Xuất tất cả cuộc trò chuyện",
  "data.exportAllMarkdown": "Ra Markdown",
  "data.exportAllJson": "Ra JSON",
  "data.exporting": "Đang xuất…",
  "data.count.conversations": "cuộc trò chuyện: {count}",
  "data.count.messages": "tin nhắn: {count}",
  "data.count.files": "tệp: {count}",
  "data.count.assistants": "trợ lý: {count}",
  "data.count.presets": "preset: {count}",
  "data.count.providers": "nhà cung cấp: {count}",
  "data.count.nothing": "không có gì mới",
  "data.error.not_a_backup":
    "Tệp này không phải bản sao lưu của Halley. Không có gì thay đổi. ({detail})",
  "data.error.backup_damaged":
    "Bản sao lưu này bị cắt ngắn hoặc hỏng nên không được khôi phục. Không có gì thay đổi. ({detail})",
  "data.error.backup_newer":
    "Bản sao lưu này được tạo bởi Halley mới hơn. Hãy cập nhật Halley để khôi phục. Không có gì thay đổi. ({detail})",
  "data.error.import_not_json":
    "Tệp này không phải JSON. Với ChatGPT, hãy giải nén bản xuất và chọn conversations.json. Không có gì được nhập.",
  "data.error.import_not_recognised": "Tệp này không phải loại bản xuất đó. Không có gì được nhập.",
  "data.error.import_newer":
    "Bản xuất này được tạo bởi Halley mới hơn. Hãy cập nhật Halley để nhập. Không có gì được nhập. ({detail})",
  "data.error.import_unreadable":
    "Một phần của bản xuất này không đọc được nên không có gì được nhập. ({detail})",
  "data.error.busy":
    "Một câu trả lời vẫn đang được viết. Hãy dừng hoặc chờ nó xong rồi khôi phục. ({detail})",
};
