//! Disclosure control for study releases, the one implementation every transport uses.
//!
//! Public study figures are tables of counts over one of two populations: the
//! interviewees (persons) or the participating organisations. Each table is a tree whose
//! root is the population. The rules, as a statistics office applies them:
//!
//! 1. **Primary suppression**: every count under k is withheld, zero included.
//! 2. **Complementary suppression**: more counts are withheld until no withheld count can
//!    be worked out from the shown ones, the margins, or an earlier release (see
//!    `audit`). Counts the study's own published report printed stay shown, marked so.
//! 3. **Populations**: when fewer than k are counted, or fewer than k were added since an
//!    earlier release that showed the population, nothing about it is shown.
//! 4. **Means and medians** need at least k answers and must pass the same test (`means`).
//!
//! Different tables of one population share only their root, the population count: any
//! two such tables with the same total can be combined person by person, so a table is
//! audited on its own with the root as known.

pub mod audit;
pub mod means;
pub mod protect;

pub use audit::{Earlier, Node, Table};

use std::collections::HashMap;

/// What an earlier release showed, by figure key.
pub type EarlierRelease = HashMap<String, Earlier>;

/// Protects all tables of one population together. Returns whether the population is
/// shown at all; when it is not, every count except the source's own is withheld.
pub fn protect_population(tables: &mut [Table], earlier: &[EarlierRelease], k: u64) -> bool {
    let Some(first) = tables.first() else {
        return true;
    };
    let root = first.nodes[0].clone();
    for table in tables.iter_mut() {
        protect::derive_sourced(table);
    }
    let sourced_root = root.source.is_some();
    let too_few = root.value < k && !sourced_root;
    let too_few_added = earlier.iter().any(|e| {
        e.get(&root.key).is_some_and(|old| {
            old.published && (1..k).contains(&root.value.saturating_sub(old.value))
        })
    });
    let mut shown = !(too_few || too_few_added);
    // An earlier release that withheld the whole population tells nothing about it: any
    // table of this release is consistent with nobody having been counted then.
    let earlier: Vec<&EarlierRelease> = earlier
        .iter()
        .filter(|e| e.get(&root.key).is_some_and(|old| old.published))
        .collect();
    if shown {
        for table in tables.iter_mut() {
            table.nodes[0].published = true;
            protect::primary(table, k);
            let olds: Vec<Vec<Earlier>> = earlier
                .iter()
                .map(|e| {
                    table
                        .nodes
                        .iter()
                        .map(|n| {
                            e.get(&n.key).copied().unwrap_or(Earlier {
                                value: 0,
                                published: true,
                            })
                        })
                        .collect()
                })
                .collect();
            if !protect::complementary(table, &olds, k) {
                shown = false;
                break;
            }
        }
    }
    if !shown {
        for table in tables.iter_mut() {
            protect::withhold_all(table);
        }
    }
    shown
}
