//! Opaque, stable global ids for the `Node` interface: the type name and the record's
//! natural key (a code or number where one exists), base64url-encoded.

use async_graphql::ID;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Encodes a global id.
pub fn encode(type_name: &str, key: impl std::fmt::Display) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{type_name}:{key}")))
}

/// Decodes a global id into its type name and key; None when it is not one of ours.
pub fn decode(id: &str) -> Option<(String, String)> {
    let bytes = URL_SAFE_NO_PAD.decode(id).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (type_name, key) = text.split_once(':')?;
    Some((type_name.to_owned(), key.to_owned()))
}

/// The row id inside a global id of the given type; an input error otherwise.
pub fn row_id(id: &ID, type_name: &str, field: &str) -> crate::error::AppResult<i32> {
    decode(id)
        .filter(|(t, _)| t == type_name)
        .and_then(|(_, key)| key.parse().ok())
        .ok_or_else(|| {
            crate::error::AppError::invalid(
                field,
                "INVALID",
                format!("not the id of a {type_name}"),
            )
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_round_trip() {
        let id = super::encode("Organisation", "0180");
        assert_eq!(
            super::decode(&id),
            Some(("Organisation".into(), "0180".into()))
        );
        assert_eq!(super::decode("not base64!"), None);
    }
}
