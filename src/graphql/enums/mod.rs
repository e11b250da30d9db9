//! The API's enumerations, kept apart from the domain's: each GraphQL enum is declared
//! here with its public names and descriptions, and mapped both ways to the domain enum
//! it shows. Renaming or adding a domain variant therefore fails to compile until the
//! mapping says what the API does with it; the public schema never changes by accident.

/// A GraphQL enum mirroring a domain enum, with `From` both ways (exhaustive matches);
/// with `, stored` also the domain's stored form, for convenience.
macro_rules! api_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident for $domain:path $(, $stored:ident)? {
            $( $(#[$vmeta:meta])* $variant:ident = $dvariant:ident ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, async_graphql::Enum)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        const _: () = {
            type Domain = $domain;

            impl From<Domain> for $name {
                fn from(value: Domain) -> Self {
                    match value {
                        $( Domain::$dvariant => Self::$variant ),+
                    }
                }
            }

            impl From<$name> for Domain {
                fn from(value: $name) -> Self {
                    match value {
                        $( $name::$variant => Domain::$dvariant ),+
                    }
                }
            }

            api_enum!(@stored $name, Domain $(, $stored)?);
        };
    };
    (@stored $name:ident, $domain:ident) => {};
    (@stored $name:ident, $domain:ident, stored) => {
            impl $name {
                /// Reads the domain's stored form.
                #[allow(dead_code)]
                pub fn from_stored(value: &str) -> Option<Self> {
                    $domain::from_stored(value).map(Self::from)
                }

                /// The domain's stored form.
                #[allow(dead_code)]
                pub fn as_str(self) -> &'static str {
                    $domain::from(self).as_str()
                }
            }
    };
}

mod access;
mod register;
mod study;
mod support;

pub use access::*;
pub use register::*;
pub use study::*;
pub use support::*;
