//! Typed rule codes. Every place that names a rule (blockers, configured levels, suppressions,
//! baselines, `--only`, plan steps) uses `Code`, so a misspelt code does not compile.

use std::fmt;

macro_rules! codes {
    ($($code:ident),* $(,)?) => {
        /// A rule's stable identifier, `MP101` and so on.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($code),*
        }

        impl Code {
            /// Every code, in numeric order.
            pub const ALL: &'static [Code] = &[$(Code::$code),*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$code => stringify!($code)),*
                }
            }
        }
    };
}

codes!(
    MP001, MP002, MP101, MP102, MP103, MP104, MP105, MP106, MP107, MP108, MP109, MP110, MP201,
    MP202, MP203, MP301, MP302, MP303, MP304, MP305, MP306, MP307, MP308, MP309, MP401, MP402,
    MP403, MP501, MP601, MP602, MP901, MP902, MP903, MP904, MP905,
);

impl Code {
    /// The code written as `MP101` (any case).
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn codes_are_in_numeric_order_and_parse_back() {
        let texts: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let mut sorted = texts.clone();
        sorted.sort();
        assert_eq!(texts, sorted);
        for code in Code::ALL {
            assert_eq!(Code::parse(&code.as_str().to_lowercase()), Some(*code));
        }
        assert_eq!(Code::parse("MP999"), None);
    }
}
