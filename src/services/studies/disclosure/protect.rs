//! Suppression that holds: primary suppression of every count under k, counts the source
//! itself published (and whatever they determine) shown as such, then complementary
//! suppression until the audit finds nothing recoverable in this release or against any
//! earlier one.

use super::audit::{Earlier, Table, breaches};

/// Withholds every count under `k` that the source did not publish. Zero counts too: a
/// shown zero would tell that everyone else gave another answer.
pub fn primary(table: &mut Table, k: u64) {
    for node in table.nodes.iter_mut().skip(1) {
        if node.source.is_none() && node.value < k {
            node.published = false;
        }
    }
}

/// How a citation marks a figure worked out from printed ones.
const DERIVED: &str = " (derived)";

/// Marks as published by the source every withheld count that the source's own figures
/// determine (e.g. an empty cell of a printed table whose row and column sums are
/// printed): withholding it would protect nothing.
pub fn derive_sourced(table: &mut Table) {
    if table.nodes.iter().all(|n| n.source.is_none()) {
        return;
    }
    loop {
        let mut probe = table.clone();
        for node in probe.nodes.iter_mut().skip(1) {
            node.published = node.source.is_some();
        }
        let determined = breaches(&probe, None, 0);
        let children = table.children();
        let mut changed = false;
        for n in determined {
            if table.nodes[n].source.is_some() {
                continue;
            }
            let citation = relatives(table, &children, n)
                .into_iter()
                .find_map(|r| table.nodes[r].source.clone())
                .unwrap_or_default();
            let citation = citation.trim_end_matches(DERIVED);
            table.nodes[n].source = Some(format!("{citation}{DERIVED}"));
            table.nodes[n].published = true;
            changed = true;
        }
        if !changed {
            return;
        }
    }
}

/// Nodes near `n`: itself, its siblings, its children, then each ancestor (below the
/// root) and its siblings, then everything below those, nearest first.
fn relatives(table: &Table, children: &[Vec<usize>], n: usize) -> Vec<usize> {
    let siblings = |m: usize| -> Vec<usize> {
        table.nodes[m]
            .parent
            .map(|p| children[p].iter().copied().filter(|s| *s != m).collect())
            .unwrap_or_default()
    };
    let mut order = vec![n];
    order.extend(siblings(n));
    order.extend(children[n].iter().copied());
    let mut cur = n;
    while let Some(p) = table.nodes[cur].parent {
        if p == 0 {
            break;
        }
        order.push(p);
        order.extend(siblings(p));
        cur = p;
    }
    let mut next = 0;
    while next < order.len() {
        for c in &children[order[next]] {
            if !order.contains(c) {
                order.push(*c);
            }
        }
        next += 1;
    }
    order
}

fn all_breaches(table: &Table, earlier: &[Vec<Earlier>], k: u64) -> Vec<usize> {
    let mut found = breaches(table, None, k);
    for old in earlier {
        found.extend(breaches(table, Some(old), k));
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// Withholds counts until nothing withheld can be worked out from this release alone or
/// together with any earlier one (`earlier`: one entry per node, per earlier release).
/// Returns false when even withholding every count below the root does not suffice; the
/// caller then withholds the whole population.
pub fn complementary(table: &mut Table, earlier: &[Vec<Earlier>], k: u64) -> bool {
    loop {
        follow_only_parents(table);
        let found = all_breaches(table, earlier, k);
        let Some(&breach) = found.first() else {
            return true;
        };
        let children = table.children();
        let candidates: Vec<usize> = relatives(table, &children, breach)
            .into_iter()
            .filter(|c| {
                *c != 0
                    && table.nodes[*c].published
                    && table.nodes[*c].source.is_none()
                    && !only_child(table, &children, *c)
            })
            .collect();
        if candidates.is_empty() {
            return false;
        }
        // Prefer the nearest candidate that settles this breach, the smallest first
        // within a rank; otherwise withhold the nearest one and look again.
        let mut ranked = candidates.clone();
        ranked.sort_by_key(|c| {
            let rank = candidates.iter().position(|x| x == c).unwrap_or(usize::MAX);
            (rank_group(table, breach, *c), table.nodes[*c].value, rank)
        });
        let settles = ranked.iter().copied().find(|c| {
            let mut trial = table.clone();
            trial.nodes[*c].published = false;
            !all_breaches(&trial, earlier, k).contains(&breach)
        });
        let chosen = settles.unwrap_or(ranked[0]);
        table.nodes[chosen].published = false;
    }
}

/// Whether `n` is its parent's only child, and so always the same count as its parent.
fn only_child(table: &Table, children: &[Vec<usize>], n: usize) -> bool {
    table.nodes[n]
        .parent
        .is_some_and(|p| children[p].len() == 1)
}

/// An only child shows what its parent shows: withholding one of the two alone would
/// hide nothing.
fn follow_only_parents(table: &mut Table) {
    let children = table.children();
    for n in 1..table.nodes.len() {
        if let Some(p) = table.nodes[n].parent
            && children[p].len() == 1
            && table.nodes[n].source.is_none()
        {
            table.nodes[n].published = table.nodes[p].published;
        }
    }
}

/// How close `candidate` is to `breach`: itself, then siblings, then children, then the
/// rest by depth.
fn rank_group(table: &Table, breach: usize, candidate: usize) -> u8 {
    if candidate == breach {
        0
    } else if table.nodes[candidate].parent == table.nodes[breach].parent {
        1
    } else if table.nodes[candidate].parent == Some(breach) {
        2
    } else {
        3
    }
}

/// Withholds every count of the table except those the source published.
pub fn withhold_all(table: &mut Table) {
    for node in table.nodes.iter_mut() {
        node.published = node.source.is_some();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(values: &[u64]) -> Table {
        let mut t = Table::new("all", values.iter().sum());
        for (i, v) in values.iter().enumerate() {
            t.add(0, format!("v{i}"), *v);
        }
        t
    }

    #[test]
    fn a_lone_small_cell_gets_a_partner() {
        let mut t = flat(&[10, 2, 7]);
        primary(&mut t, 5);
        assert!(complementary(&mut t, &[], 5));
        let shown: Vec<bool> = t.nodes.iter().skip(1).map(|n| n.published).collect();
        assert_eq!(
            shown,
            vec![true, false, false],
            "the smallest other cell partners it"
        );
    }

    #[test]
    fn withheld_cells_summing_to_zero_are_not_enough() {
        // 0 and 0 withheld under a known total of 12 = 12: both are zero, so recoverable.
        let mut t = flat(&[12, 0, 0]);
        primary(&mut t, 5);
        assert!(complementary(&mut t, &[], 5));
        assert!(!t.nodes[1].published, "the 12 must be withheld too");
    }

    #[test]
    fn a_small_change_between_releases_is_not_shown() {
        let old_table = flat(&[10, 10]);
        let old: Vec<Earlier> = old_table
            .nodes
            .iter()
            .map(|n| Earlier {
                value: n.value,
                published: true,
            })
            .collect();
        // Six persons added: five to the first cell, one to the second.
        let mut t = flat(&[15, 11]);
        primary(&mut t, 5);
        assert!(complementary(&mut t, &[old], 5));
        assert!(
            !t.nodes[2].published,
            "11 - 10 = 1 would name the added person's cell"
        );
        assert!(
            !t.nodes[1].published,
            "and 15 would give it away by subtraction"
        );
    }

    #[test]
    fn source_figures_stay_and_determine_their_empty_cells() {
        let mut t = Table::new("all", 17);
        let w = t.add(0, "w", 16);
        let m = t.add(0, "m", 1);
        let n = t.add(0, "n", 0);
        t.nodes[w].source = Some("Table 1".into());
        t.nodes[m].source = Some("Table 1".into());
        derive_sourced(&mut t);
        assert_eq!(t.nodes[n].source.as_deref(), Some("Table 1 (derived)"));
        primary(&mut t, 5);
        assert!(complementary(&mut t, &[], 5));
        assert!(t.nodes.iter().all(|n| n.published));
    }
}
