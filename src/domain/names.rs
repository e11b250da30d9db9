//! Searching and sorting Swedish names the same way on SQLite and PostgreSQL.
//!
//! SQLite's `lower()` folds ASCII only and byte order puts Ä before Å, so both the search
//! form and the sort key are computed here and stored beside the name.

/// The form a name is searched in: Unicode lower case with white space collapsed.
pub fn search_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A key whose byte order is Swedish alphabetical order: a–z, then å, ä, ö.
///
/// Letters Swedish sorts as others (é as e, ü as y, æ as ä, ø as ö) take those places;
/// spaces and hyphens sort before letters so "Upplands Väsby" precedes "Upplands-Bro"
/// only by what follows.
pub fn sort_key(name: &str) -> String {
    search_key(name)
        .chars()
        .map(|c| match c {
            'å' => '{',
            'ä' | 'æ' => '|',
            'ö' | 'ø' => '}',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ü' => 'y',
            'á' | 'à' => 'a',
            '-' | ' ' => ' ',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_letters_sort_after_z_in_alphabet_order() {
        let mut names = vec!["Örebro", "Ängelholm", "Åre", "Zinkgruvan", "Alingsås"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(
            names,
            ["Alingsås", "Zinkgruvan", "Åre", "Ängelholm", "Örebro"]
        );
    }

    #[test]
    fn search_key_folds_non_ascii_capitals() {
        assert_eq!(search_key("ÖREBRO  län"), "örebro län");
    }
}
