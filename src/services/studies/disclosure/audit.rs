//! The attacker's view of one table: can a withheld count be worked out exactly?
//!
//! A table is a tree of counts (every node the sum of its children) whose root, the
//! population, the attacker is assumed to know. The attacker also knows every figure an
//! earlier release published for the same nodes, that counts are never negative, and
//! that records are only ever added, so no count shrinks between releases.
//!
//! A withheld count is safe when the audit finds a *witness*: another table of counts,
//! equal in every published figure of both releases, non-negative, in which that count
//! differs. Witnesses are searched among moves of one unit along a path of withheld nodes
//! (down from a common ancestor to two leaves, one side up and one side down), which is
//! how every change of a tree with fixed sums decomposes. Three kinds of move are tried:
//! changing only the new release's counts, only the earlier one's, or both alike. A count
//! with no witness is treated as recoverable, so the audit errs towards withholding more.

/// One count of a table.
#[derive(Debug, Clone)]
pub struct Node {
    /// A key unique within the release, e.g. `interviewees/MEMBER/STRATEGIST/WOMAN`.
    pub key: String,
    /// The parent's index; `None` for the root only.
    pub parent: Option<usize>,
    /// The true count.
    pub value: u64,
    /// Whether the release shows it.
    pub published: bool,
    /// Where the source already published it (never withheld), if it did.
    pub source: Option<String>,
}

/// A tree of counts; index 0 is the root.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub nodes: Vec<Node>,
}

impl Table {
    /// A table whose root is the population count under `key`.
    pub fn new(key: impl Into<String>, value: u64) -> Self {
        Self {
            nodes: vec![Node {
                key: key.into(),
                parent: None,
                value,
                published: true,
                source: None,
            }],
        }
    }

    /// Adds a node under `parent` and returns its index.
    pub fn add(&mut self, parent: usize, key: impl Into<String>, value: u64) -> usize {
        self.nodes.push(Node {
            key: key.into(),
            parent: Some(parent),
            value,
            published: true,
            source: None,
        });
        self.nodes.len() - 1
    }

    /// The children of every node, in insertion order.
    pub fn children(&self) -> Vec<Vec<usize>> {
        let mut children = vec![Vec::new(); self.nodes.len()];
        for (i, node) in self.nodes.iter().enumerate() {
            if let Some(p) = node.parent {
                children[p].push(i);
            }
        }
        children
    }
}

/// What an earlier release showed for the nodes of a table: its true count and whether
/// it was published. A node the earlier release did not have counted nobody then.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Earlier {
    pub value: u64,
    pub published: bool,
}

/// The kinds of move a witness may make.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Move {
    /// Only the new release's counts change (the persons added differ).
    New,
    /// Only the earlier release's counts change.
    Old,
    /// Both change alike (the persons present in both differ).
    Both,
}

struct Pair<'a> {
    table: &'a Table,
    children: Vec<Vec<usize>>,
    old: Vec<Earlier>,
}

impl Pair<'_> {
    fn delta(&self, n: usize) -> u64 {
        self.table.nodes[n].value.saturating_sub(self.old[n].value)
    }

    fn free(&self, m: Move, n: usize) -> bool {
        if n == 0 {
            return false;
        }
        let new_hidden = !self.table.nodes[n].published;
        let old_hidden = !self.old[n].published;
        match m {
            Move::New => new_hidden,
            Move::Old => old_hidden,
            Move::Both => new_hidden && old_hidden,
        }
    }

    /// Whether node `n` can move one unit in direction `up` under move `m`.
    fn room(&self, m: Move, n: usize, up: bool) -> bool {
        match (m, up) {
            (Move::New, true) | (Move::Both, true) => true,
            (Move::New, false) => self.delta(n) >= 1,
            (Move::Old, true) => self.delta(n) >= 1,
            (Move::Old, false) | (Move::Both, false) => self.old[n].value >= 1,
        }
    }

    /// For every node: can a unit move from it down to some leaf through withheld nodes?
    fn descents(&self, m: Move, up: bool) -> Vec<bool> {
        let mut ok = vec![false; self.table.nodes.len()];
        // Children always come after their parent, so a reverse sweep sees them first.
        for n in (0..self.table.nodes.len()).rev() {
            ok[n] = self.free(m, n)
                && self.room(m, n, up)
                && (self.children[n].is_empty() || self.children[n].iter().any(|c| ok[*c]));
        }
        ok
    }

    /// Whether some move of kind `m` changes node `c`.
    fn witness(&self, m: Move, c: usize) -> bool {
        for up in [true, false] {
            let this_way = self.descents(m, up);
            let other_way = self.descents(m, !up);
            if !this_way[c] {
                continue;
            }
            let mut cur = c;
            while let Some(u) = self.table.nodes[cur].parent {
                if self.children[u].iter().any(|w| *w != cur && other_way[*w]) {
                    return true;
                }
                if !(self.free(m, u) && self.room(m, u, up)) {
                    break;
                }
                cur = u;
            }
        }
        false
    }
}

/// The nodes whose withholding does not hold against an attacker who also has the
/// earlier release `old` (one entry per node; `None` for a first release): withheld
/// counts of either release that can be worked out, and counts of the persons added in
/// between that can be worked out and are between 1 and `k - 1`.
pub fn breaches(table: &Table, old: Option<&[Earlier]>, k: u64) -> Vec<usize> {
    let first = vec![
        Earlier {
            value: 0,
            published: true,
        };
        table.nodes.len()
    ];
    let compared = old.is_some();
    let pair = Pair {
        table,
        children: table.children(),
        old: old.map_or(first, <[Earlier]>::to_vec),
    };
    let mut found = Vec::new();
    for c in 1..table.nodes.len() {
        let new_shown = table.nodes[c].published;
        let old_shown = pair.old[c].published;
        let recoverable_new =
            !new_shown && !pair.witness(Move::New, c) && !pair.witness(Move::Both, c);
        let recoverable_old =
            !old_shown && !pair.witness(Move::Old, c) && !pair.witness(Move::Both, c);
        let delta = pair.delta(c);
        // A figure the source published is public whatever it changed by.
        let small_delta = compared
            && table.nodes[c].source.is_none()
            && (1..k).contains(&delta)
            && (new_shown && old_shown
                || !pair.witness(Move::New, c) && !pair.witness(Move::Old, c));
        if recoverable_new || recoverable_old || small_delta {
            found.push(c);
        }
    }
    found
}
