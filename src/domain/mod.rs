//! Pure domain rules: no database, no HTTP. Every query, filter and statistic uses these
//! one implementations.

/// An enumeration stored as text: its stored form, and parsing back. Stored forms never
/// change once written; new variants need no migration. The API shows these through its
/// own enums (`graphql::enums`), mapped explicitly.
macro_rules! stored_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [Self] = &[$( Self::$variant ),+];

            /// The stored form.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $text ),+
                }
            }

            /// Reads the stored form.
            pub fn from_stored(value: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == value)
            }
        }
    };
}

pub(crate) use stored_enum;

pub mod charter;
pub mod codebook;
pub mod codes;
pub mod dates;
pub mod labels;
pub mod names;
pub mod organisation;
pub mod register;
pub mod spreadsheet;
pub mod study;
pub mod support;
