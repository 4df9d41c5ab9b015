//! Scenario text: a plain string, or one string per OSCE official language.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// The six official OSCE languages, written in RON and in text maps by their
/// ISO 639-1 code (`en`, `fr`, ...; docs/scenario-format.md §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English (`en`): the fallback of every [`Text`].
    En,
    /// French (`fr`).
    Fr,
    /// German (`de`).
    De,
    /// Italian (`it`).
    It,
    /// Russian (`ru`).
    Ru,
    /// Spanish (`es`).
    Es,
}

impl Lang {
    /// Every language, in the order pickers list them.
    pub const ALL: [Lang; 6] = [Lang::En, Lang::Fr, Lang::De, Lang::It, Lang::Ru, Lang::Es];

    /// The two-letter lowercase code used in scenario files: `"en"`, `"ru"`, ...
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::De => "de",
            Lang::It => "it",
            Lang::Ru => "ru",
            Lang::Es => "es",
        }
    }

    /// The language's own name, for pickers.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
            Lang::De => "Deutsch",
            Lang::It => "Italiano",
            Lang::Ru => "Русский",
            Lang::Es => "Español",
        }
    }

    /// The language of a code made by [`Lang::code`]; `None` for anything else
    /// (case-sensitive: `"EN"` is not a code).
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Text shown to people: either one string for every language, or a map from
/// language code to string, written in RON as `"..."` or `{"en": "...", "ru": "..."}`.
///
/// Map keys stay strings here so that validation, not the parser, reports an
/// unknown language code with its position and a hint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Text {
    /// One string for every language (RON `"..."`).
    Plain(String),
    /// Language code → string (RON `{"en": "...", "ru": "..."}`), sorted by code.
    /// Keys are unchecked here; compilation reports unknown codes.
    Translated(BTreeMap<String, String>),
}

impl Default for Text {
    fn default() -> Self {
        Text::Plain(String::new())
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text::Plain(s.to_owned())
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text::Plain(s)
    }
}

impl Text {
    /// The text in `lang`, falling back to English, then to the first translation in
    /// code order; `""` for an empty map.
    pub fn get(&self, lang: Lang) -> &str {
        match self {
            Text::Plain(s) => s,
            Text::Translated(map) => map
                .get(lang.code())
                .or_else(|| map.get("en"))
                .or_else(|| map.values().next())
                .map(String::as_str)
                .unwrap_or(""),
        }
    }

    /// The English (or fallback) text, for logs, reports and bots.
    pub fn en(&self) -> &str {
        self.get(Lang::En)
    }

    /// Whether the text is blank in every language (only whitespace counts as empty;
    /// an empty map is empty). Compilation warns `empty-text` for a required text.
    pub fn is_empty(&self) -> bool {
        match self {
            Text::Plain(s) => s.trim().is_empty(),
            Text::Translated(map) => map.values().all(|s| s.trim().is_empty()),
        }
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(r#"a string, or a map of language code to string such as {"en": "...", "ru": "..."}"#)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text::Plain(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text::Plain(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text, A::Error> {
                let mut out = BTreeMap::new();
                while let Some((k, v)) = map.next_entry::<String, String>()? {
                    if out.insert(k.clone(), v).is_some() {
                        return Err(de::Error::custom(format!(
                            "language \"{k}\" is given twice"
                        )));
                    }
                }
                Ok(Text::Translated(out))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn falls_back_to_english_then_any() {
        let t: Text = ron::from_str(r#"{"en": "Hello", "ru": "Привет"}"#).unwrap();
        assert_eq!(t.get(Lang::Ru), "Привет");
        assert_eq!(t.get(Lang::Fr), "Hello");
        let only_ru: Text = ron::from_str(r#"{"ru": "Привет"}"#).unwrap();
        assert_eq!(only_ru.get(Lang::De), "Привет");
        let plain: Text = ron::from_str(r#""Plain""#).unwrap();
        assert_eq!(plain.get(Lang::Es), "Plain");
    }

    #[test]
    fn duplicate_language_is_an_error() {
        let r: Result<Text, _> = ron::from_str(r#"{"en": "a", "en": "b"}"#);
        assert!(r.is_err());
    }
}
