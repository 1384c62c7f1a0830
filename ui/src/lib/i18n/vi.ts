import type { Catalog } from "./en";

export const vi: Catalog = {
  "app.name": "Halley",
  "sidebar.newChat": "Cuộc trò chuyện mới",
  "sidebar.search": "Tìm kiếm",
  "sidebar.empty": "Chưa có cuộc trò chuyện nào",
  "sidebar.settings": "Cài đặt",
  "chat.emptyTitle": "Tôi có thể giúp gì cho bạn?",
  "chat.emptyHint": "Hỏi bất cứ điều gì. Câu trả lời hiện ra ngay khi được viết.",
  "composer.placeholder": "Nhắn tin cho Halley",
  "composer.send": "Gửi",
  "composer.stop": "Dừng",
  "composer.hint": "Enter để gửi, Shift+Enter để xuống dòng",
};
