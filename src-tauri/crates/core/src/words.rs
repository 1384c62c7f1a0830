//! The few words the backend itself puts in front of the user — a new
//! conversation's title, the headings of a Markdown export, the tray menu —
//! in the user's language, as the UI has them (English and Vietnamese). One
//! closed set of words, each with both languages: a word without its
//! translation does not compile.

use crate::settings::LanguageChoice;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    En,
    Vi,
}

impl Language {
    /// The language the user chose, or the system's when they left it to
    /// the system (as the UI decides it: Vietnamese for a `vi` locale).
    pub fn of(choice: LanguageChoice) -> Self {
        match choice {
            LanguageChoice::En => Language::En,
            LanguageChoice::Vi => Language::Vi,
            LanguageChoice::System => Self::of_locale(sys_locale::get_locale().as_deref()),
        }
    }

    fn of_locale(locale: Option<&str>) -> Self {
        match locale {
            Some(l) if l.to_ascii_lowercase().starts_with("vi") => Language::Vi,
            _ => Language::En,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Word {
    NewChat,
    QuickAsk,
    ShowHalley,
    Quit,
    You,
    Assistant,
    Reasoning,
    Attachments,
    ExportedFromHalley,
    StillBeingWritten,
    Interrupted,
    Stopped,
    Error,
    UnknownError,
}

impl Word {
    pub const ALL: [Word; 14] = [
        Word::NewChat,
        Word::QuickAsk,
        Word::ShowHalley,
        Word::Quit,
        Word::You,
        Word::Assistant,
        Word::Reasoning,
        Word::Attachments,
        Word::ExportedFromHalley,
        Word::StillBeingWritten,
        Word::Interrupted,
        Word::Stopped,
        Word::Error,
        Word::UnknownError,
    ];

    pub fn in_(self, language: Language) -> &'static str {
        use Language::{En, Vi};
        match (self, language) {
            (Word::NewChat, En) => "New chat",
            (Word::NewChat, Vi) => "Cuộc trò chuyện mới",
            (Word::QuickAsk, En) => "Quick ask",
            (Word::QuickAsk, Vi) => "Hỏi nhanh",
            (Word::ShowHalley, En) => "Show Halley",
            (Word::ShowHalley, Vi) => "Mở Halley",
            (Word::Quit, En) => "Quit",
            (Word::Quit, Vi) => "Thoát",
            (Word::You, En) => "You",
            (Word::You, Vi) => "Bạn",
            (Word::Assistant, En) => "Assistant",
            (Word::Assistant, Vi) => "Trợ lý",
            (Word::Reasoning, En) => "Reasoning",
            (Word::Reasoning, Vi) => "Suy luận",
            (Word::Attachments, En) => "Attachments",
            (Word::Attachments, Vi) => "Tệp đính kèm",
            (Word::ExportedFromHalley, En) => "Exported from Halley",
            (Word::ExportedFromHalley, Vi) => "Xuất từ Halley",
            (Word::StillBeingWritten, En) => "still being written when exported",
            (Word::StillBeingWritten, Vi) => "vẫn đang được viết khi xuất",
            (Word::Interrupted, En) => "interrupted",
            (Word::Interrupted, Vi) => "bị gián đoạn",
            (Word::Stopped, En) => "stopped",
            (Word::Stopped, Vi) => "đã dừng",
            (Word::Error, En) => "error",
            (Word::Error, Vi) => "lỗi",
            (Word::UnknownError, En) => "unknown error",
            (Word::UnknownError, Vi) => "lỗi không rõ",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_has_both_languages_and_they_differ() {
        for word in Word::ALL {
            let (en, vi) = (word.in_(Language::En), word.in_(Language::Vi));
            assert!(!en.is_empty() && !vi.is_empty(), "{word:?}");
            assert_ne!(en, vi, "{word:?} is not translated");
        }
    }

    #[test]
    fn the_system_language_is_read_like_the_ui_reads_it() {
        assert_eq!(Language::of_locale(Some("vi-VN")), Language::Vi);
        assert_eq!(Language::of_locale(Some("VI")), Language::Vi);
        assert_eq!(Language::of_locale(Some("en-US")), Language::En);
        assert_eq!(Language::of_locale(Some("fr-FR")), Language::En);
        assert_eq!(Language::of_locale(None), Language::En);
        assert_eq!(Language::of(LanguageChoice::Vi), Language::Vi);
    }
}
