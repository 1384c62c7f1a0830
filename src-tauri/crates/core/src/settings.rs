//! The user's preferences (appearance, language, what a new chat turn asks
//! for), stored in the history database, one JSON value per key of the
//! `settings` table. The backend owns them: they are backed up and restored
//! with the history, and the UI reads them at start instead of keeping its
//! own copy. The active provider is a setting of its own
//! ([`crate::providers`]), so saving preferences can never undo a provider
//! switch made meanwhile.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::chat::{ImageOptions, ReasoningEffort};
use crate::history::History;
use crate::pricing::{self, ModelPrice};
use crate::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export_to = "Theme.ts")]
pub enum Theme {
    /// Follows the OS.
    #[default]
    System,
    Light,
    Dark,
}

/// The UI's language: the OS's when `System`, else one the UI has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export_to = "LanguageChoice.ts")]
pub enum LanguageChoice {
    #[default]
    System,
    En,
    Vi,
}

/// When a chat answer runs in background mode at the provider, so that it
/// survives a dropped connection, a sleeping laptop or a restart
/// ([`crate::chat::wants_background`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export_to = "LongAnswers.ts")]
pub enum LongAnswers {
    /// For answers that may take minutes: high reasoning effort, or a
    /// model the user listed.
    #[default]
    Auto,
    Always,
    Never,
}

/// The font sizes the Settings slider offers, in CSS pixels. A stored value
/// outside is damage (a hand edit), not a preference.
pub const FONT_SIZES: std::ops::RangeInclusive<u32> = 12..=20;

/// Missing keys take their defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export_to = "Settings.ts")]
pub struct Settings {
    pub theme: Theme,
    pub language: LanguageChoice,
    /// In CSS pixels, within [`FONT_SIZES`].
    pub font_size: u32,
    /// Whether chat turns ask the provider to store responses
    /// (`store: true`), which is what lets turns chain by
    /// `previous_response_id` instead of sending the whole branch again.
    pub server_side_storage: bool,
    /// The model a new chat turn uses (the model picker's last choice).
    pub model: String,
    pub web_search: bool,
    /// The composer's built-in tools: the model may run code / make images.
    pub code_interpreter: bool,
    pub image_generation: bool,
    /// Size, quality and background of the images chat makes.
    pub image_options: ImageOptions,
    /// The user's own prices per provider and model (`crate::pricing`);
    /// they replace the shipped list prices of the same model.
    pub prices: Vec<ModelPrice>,
    /// Deleting a conversation (or one of its files) leaves the files it
    /// uploaded at the provider instead of deleting them there.
    pub keep_uploaded_files: bool,
    /// `None` leaves the model's default.
    pub reasoning_effort: Option<ReasoningEffort>,
    /// Whether the capability probe runs by itself (about twenty small requests)
    /// when a model is first used at a provider
    /// ([`crate::probe_schedule`]); off, it runs only when asked.
    pub probe_automatically: bool,
    /// Whether a backup of everything is written to the data folder's
    /// `backups/` once a day ([`crate::backup_schedule`]).
    pub automatic_backups: bool,
    /// How many automatic backups are kept, within [`BACKUPS_KEPT`]; older
    /// ones are removed.
    pub backups_kept: u32,
    /// When chat answers run in background mode ([`LongAnswers`]).
    pub long_answers: LongAnswers,
    /// Models whose answers always run in background mode under
    /// [`LongAnswers::Auto`] (a slow model the user knows).
    pub long_answer_models: Vec<String>,
    /// The global shortcut that opens the quick-ask window ("Ctrl+Shift+Space");
    /// `None` (the default) holds no shortcut. Checked by the app, which
    /// knows which shortcuts the OS takes.
    pub quick_ask_shortcut: Option<String>,
    /// Whether a new conversation is named by the model after its first
    /// answer (one small request), instead of keeping its first words.
    pub generated_titles: bool,
}

/// How many automatic backups Settings lets the user keep.
pub const BACKUPS_KEPT: std::ops::RangeInclusive<u32> = 1..=60;

/// How many models Settings lets the user list for long answers.
pub const MAX_LONG_ANSWER_MODELS: usize = 50;

pub const DEFAULT_MODEL: &str = "gpt-5-mini";

impl Default for Settings {
    fn default() -> Self {
        Self {
            theme: Theme::System,
            language: LanguageChoice::System,
            font_size: 15,
            server_side_storage: true,
            model: DEFAULT_MODEL.to_owned(),
            web_search: false,
            code_interpreter: false,
            image_generation: false,
            image_options: ImageOptions::default(),
            prices: Vec::new(),
            keep_uploaded_files: false,
            reasoning_effort: None,
            probe_automatically: true,
            automatic_backups: true,
            backups_kept: 7,
            long_answers: LongAnswers::Auto,
            long_answer_models: Vec::new(),
            quick_ask_shortcut: None,
            generated_titles: true,
        }
    }
}

impl Settings {
    fn check(&self) -> Result<(), Error> {
        if !FONT_SIZES.contains(&self.font_size) {
            return Err(Error::InvalidInput(format!(
                "the font size must be between {} and {} pixels",
                FONT_SIZES.start(),
                FONT_SIZES.end()
            )));
        }
        if !BACKUPS_KEPT.contains(&self.backups_kept) {
            return Err(Error::InvalidInput(format!(
                "between {} and {} backups can be kept",
                BACKUPS_KEPT.start(),
                BACKUPS_KEPT.end()
            )));
        }
        if self.model.trim().is_empty() {
            return Err(Error::InvalidInput("a model name is needed".into()));
        }
        if self.long_answer_models.len() > MAX_LONG_ANSWER_MODELS
            || self
                .long_answer_models
                .iter()
                .any(|m| m.trim().is_empty() || m.len() > 200)
        {
            return Err(Error::InvalidInput(format!(
                "up to {MAX_LONG_ANSWER_MODELS} model names can be listed for long answers, none empty"
            )));
        }
        if self
            .quick_ask_shortcut
            .as_ref()
            .is_some_and(|s| s.len() > 100)
        {
            return Err(Error::InvalidInput(
                "a shortcut is at most 100 characters".into(),
            ));
        }
        pricing::check(&self.prices)
    }
}

/// Why a stored setting was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "SettingProblem.ts")]
pub enum SettingProblem {
    /// The stored text is not JSON at all.
    NotJson,
    /// JSON, but not a value this setting can have.
    WrongValue,
}

/// A stored setting that could not be used: its default is in effect until
/// the user saves their settings again, which replaces it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "DamagedSetting.ts")]
pub struct DamagedSetting {
    /// The setting's name as stored (`theme`, `fontSize`, …).
    pub key: String,
    pub problem: SettingProblem,
}

/// The settings as read, and what could not be read: the UI says so instead
/// of silently showing defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "SettingsReading.ts")]
pub struct SettingsReading {
    pub settings: Settings,
    pub damaged: Vec<DamagedSetting>,
}

/// The keys of [`Settings`], as stored. Other keys of the table (the active
/// provider, the update schedule) belong to their own modules.
fn setting_keys() -> Vec<String> {
    match serde_json::to_value(Settings::default()) {
        Ok(serde_json::Value::Object(map)) => map.into_iter().map(|(key, _)| key).collect(),
        _ => Vec::new(),
    }
}

fn load(conn: &Connection) -> Result<SettingsReading, Error> {
    let keys = setting_keys();
    let mut object = match serde_json::to_value(Settings::default()) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let mut damaged = Vec::new();
    let mut statement = conn.prepare_cached("SELECT key, value FROM settings")?;
    for row in statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })? {
        let (key, text) = row?;
        if !keys.contains(&key) {
            continue;
        }
        // Each stored value is tried on its own: one damaged or hand-edited
        // value falls back to its default and takes no other setting down.
        let value = match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(value) => value,
            Err(problem) => {
                tracing::warn!(%key, %problem, "a stored setting is not JSON; its default is used");
                damaged.push(DamagedSetting {
                    key,
                    problem: SettingProblem::NotJson,
                });
                continue;
            }
        };
        let mut candidate = object.clone();
        candidate.insert(key.clone(), value);
        let usable =
            serde_json::from_value::<Settings>(serde_json::Value::Object(candidate.clone()))
                .map_err(|e| e.to_string())
                .and_then(|settings| settings.check().map_err(|e| e.to_string()));
        match usable {
            Ok(()) => object = candidate,
            Err(problem) => {
                tracing::warn!(%key, %problem, "a stored setting has a value it cannot have; its default is used");
                damaged.push(DamagedSetting {
                    key,
                    problem: SettingProblem::WrongValue,
                });
            }
        }
    }
    let settings = serde_json::from_value(serde_json::Value::Object(object))
        .map_err(|e| Error::InvalidInput(format!("the settings cannot be read: {e}")))?;
    Ok(SettingsReading { settings, damaged })
}

fn store(conn: &Connection, settings: &Settings) -> Result<(), Error> {
    let value = serde_json::to_value(settings).map_err(|e| Error::InvalidInput(e.to_string()))?;
    if let serde_json::Value::Object(map) = value {
        for (key, value) in map {
            crate::history::put_setting(conn, &key, &value.to_string())?;
        }
    }
    Ok(())
}

impl History {
    /// The language the backend writes its own words in ([`crate::words`]):
    /// the user's choice, English when the settings cannot be read.
    pub fn language(&self) -> crate::words::Language {
        let choice = self
            .settings()
            .map(|reading| reading.settings.language)
            .unwrap_or_default();
        crate::words::Language::of(choice)
    }
}

impl History {
    pub fn settings(&self) -> Result<SettingsReading, Error> {
        self.read(load)
    }

    /// Saves every preference (replacing any damaged stored value). A value
    /// the UI cannot offer (a font size out of range, no model) is refused.
    pub fn save_settings(&self, settings: &Settings) -> Result<(), Error> {
        settings.check()?;
        self.write(|tx| store(tx, settings))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history() -> (tempfile::TempDir, History) {
        let dir = tempfile::tempdir().expect("temp dir");
        let history = History::open(&dir.path().join("history.sqlite3")).expect("open");
        (dir, history)
    }

    #[test]
    fn a_fresh_database_reads_the_defaults_with_nothing_damaged() {
        let (_dir, history) = history();
        assert_eq!(
            history.settings().expect("read"),
            SettingsReading {
                settings: Settings::default(),
                damaged: vec![],
            }
        );
    }

    #[test]
    fn out_of_range_values_are_refused_on_save() {
        let (_dir, history) = history();
        let too_big = Settings {
            font_size: 90,
            ..Settings::default()
        };
        assert!(matches!(
            history.save_settings(&too_big),
            Err(Error::InvalidInput(_))
        ));
        let no_model = Settings {
            model: "  ".into(),
            ..Settings::default()
        };
        assert!(matches!(
            history.save_settings(&no_model),
            Err(Error::InvalidInput(_))
        ));
    }

    #[test]
    fn a_hand_edited_out_of_range_value_is_reported_as_damage() {
        let (dir, history) = history();
        history
            .save_settings(&Settings::default())
            .expect("save defaults");
        let conn = Connection::open(dir.path().join("history.sqlite3")).expect("open");
        conn.execute(
            "UPDATE settings SET value = '400' WHERE key = 'fontSize'",
            [],
        )
        .expect("hand edit");
        let reading = history.settings().expect("read");
        assert_eq!(reading.settings.font_size, 15);
        assert_eq!(
            reading.damaged,
            vec![DamagedSetting {
                key: "fontSize".into(),
                problem: SettingProblem::WrongValue,
            }]
        );
    }
}
