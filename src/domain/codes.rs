//! Organisation codes as integrators write them.
//!
//! Municipalities carry SCB's four-digit code, regions their county's two-digit code.
//! Kolada writes a region as `00` plus the county code (`0025`): that form is accepted and
//! means the same region.

/// The canonical form of an organisation code as given by a client.
pub fn normalise_organisation_code(code: &str) -> String {
    let code = code.trim();
    let is_kolada_region =
        code.len() == 4 && code.starts_with("00") && code.bytes().all(|b| b.is_ascii_digit());
    if is_kolada_region {
        code[2..].to_owned()
    } else {
        code.to_owned()
    }
}

/// Whether a code is a county code in SCB's form (two digits).
pub fn is_county_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kolada_region_ids_map_to_county_codes() {
        assert_eq!(normalise_organisation_code("0025"), "25");
        assert_eq!(normalise_organisation_code(" 0180 "), "0180");
        assert_eq!(normalise_organisation_code("SKR"), "SKR");
    }
}
