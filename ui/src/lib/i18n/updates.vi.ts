// Update and start-up strings (Vietnamese); the keys follow updates.en.ts.
import type { updatesEn } from "./updates.en";

export const updatesVi: Record<keyof typeof updatesEn, string> = {
  "updates.title": "Cập nhật",
  "updates.check": "Kiểm tra cập nhật",
  "updates.checking": "Đang kiểm tra cập nhật…",
  "updates.upToDate": "Halley {version} là phiên bản mới nhất.",
  "updates.available": "Đã có Halley {version} (bạn đang dùng {current}).",
  "updates.notes": "Có gì mới",
  "updates.published": "Phát hành {date}",
  "updates.download": "Tải về và kiểm tra",
  "updates.downloading": "Đang tải… {percent}",
  "updates.downloadingBytes": "Đang tải… {size}",
  "updates.verified": "Đã tải xong và chữ ký hợp lệ. Cài đặt ngay?",
  "updates.install": "Cài đặt bản cập nhật",
  "updates.installing": "Đang cài đặt…",
  "updates.installed": "Đã cài Halley {version}. Khởi động lại để dùng.",
  "updates.restart": "Khởi động lại ngay",
  "updates.later": "Để sau",
  "updates.toastAvailable": "Đã có Halley {version}",
  "updates.toastView": "Xem",
  "updates.signedNote":
    "Các bản cập nhật đều được ký; bản nào có chữ ký không khớp sẽ không bao giờ được cài.",
  "updates.error.update_server":
    "Không kết nối được máy chủ cập nhật hoặc máy chủ trả về lỗi. Hãy thử lại sau.",
  "updates.error.update_not_for_this_system": "Phiên bản mới chưa có bản tải về cho hệ thống này.",
  "updates.error.update_download_failed": "Tải về chưa hoàn tất. Chưa có gì được cài; hãy thử lại.",
  "updates.error.update_bad_signature":
    "Bản cập nhật đã tải không khớp với chữ ký (bị hỏng hoặc bị sửa đổi). Bản này không được cài.",
  "updates.error.update_install_failed":
    "Không cài được bản cập nhật. Phiên bản hiện tại vẫn giữ nguyên.",
  "updates.error.other": "Cập nhật thất bại: {message}",
  "instance.title": "Halley đang chạy",
  "instance.body":
    "Một cửa sổ Halley khác đang dùng thư mục dữ liệu {dataDir}. Mỗi thư mục dữ liệu chỉ được một Halley dùng tại một thời điểm, nên cửa sổ này không mở nó. Hãy chuyển sang cửa sổ kia, hoặc đóng nó trước.",
  "instance.quit": "Đóng cửa sổ này",
};
