//! Organisation and county codes as integrators and their spreadsheets write them.
//!
//! Municipalities carry SCB's four-digit code, regions their county's two-digit code.
//! Kolada writes a region as `00` plus the county code (`0025`): that form is accepted and
//! means the same region. Excel and LibreOffice read codes as numbers and drop their
//! leading zeros (`0764` becomes `764`, `07` becomes `7`); where the lost zero is certain
//! (three digits can only be a municipality's code, one digit only a county's) it is put
//! back. Two digits are a county or region as written, and four digits as written, so no
//! code is ever guessed.

/// The canonical form of an organisation code as given by a client.
pub fn normalise_organisation_code(code: &str) -> String {
    let code = code.trim();
    let digits = code.bytes().all(|b| b.is_ascii_digit());
    match code.len() {
        4 if digits && code.starts_with("00") => code[2..].to_owned(),
        1 | 3 if digits => format!("0{code}"),
        _ => code.to_owned(),
    }
}

/// The canonical two-digit form of a county code as given by a client: Kolada's `00xx`
/// and a spreadsheet's `7` for `07` are accepted.
pub fn normalise_county_code(code: &str) -> String {
    let code = code.trim();
    let digits = code.bytes().all(|b| b.is_ascii_digit());
    match code.len() {
        4 if digits && code.starts_with("00") => code[2..].to_owned(),
        1 if digits => format!("0{code}"),
        _ => code.to_owned(),
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
        assert_eq!(normalise_county_code("0014"), "14");
    }

    #[test]
    fn zeros_a_spreadsheet_dropped_come_back_where_certain() {
        assert_eq!(normalise_organisation_code("764"), "0764");
        assert_eq!(normalise_organisation_code("7"), "07");
        assert_eq!(normalise_organisation_code("25"), "25");
        assert_eq!(normalise_organisation_code("1480"), "1480");
        assert_eq!(normalise_organisation_code("76"), "76");
        assert_eq!(normalise_organisation_code("7a4"), "7a4");
        assert_eq!(normalise_county_code("7"), "07");
        assert_eq!(normalise_county_code("14"), "14");
        assert_eq!(normalise_county_code("114"), "114");
    }
}
