//! Normalised customer names indexed by trigram: every name whose similarity to a query reaches a threshold, exactly
//! as `deal_conflict::name_similarity` scores it.
//!
//! A search counts, per indexed name, how many of the query's trigrams it has (one pass over the query's posting
//! lists), which gives each name's shared and distinct trigrams without comparing any name: similarity is shared
//! over all distinct trigrams of the two. Posting lists are arrays of name numbers, so a search over names that
//! share their words reads tens of thousands of entries in well under a millisecond.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasher;

use super::deal_conflict::{Trigram, trigrams};

#[derive(Debug, Default)]
pub struct NameIndex {
    names: Vec<Box<str>>,
    /// How many distinct trigrams each name has.
    sizes: Vec<u32>,
    postings: HashMap<Trigram, Vec<u32>>,
    /// Name numbers by the name's hash, so each name is stored once.
    numbers: hashbrown::HashTable<u32>,
    hasher: hashbrown::DefaultHashBuilder,
}

thread_local! {
    /// Shared-trigram counts per name number, all zero between searches: one byte each while the query has at most
    /// 255 trigrams (a count never exceeds the query's), which keeps the counts of 300,000 names in a core's cache.
    static SMALL_COUNTS: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static COUNTS: RefCell<Vec<u16>> = const { RefCell::new(Vec::new()) };
}

/// A counter of shared trigrams.
trait Count: Copy + Default + PartialEq + Into<u32> + std::ops::BitOr<Output = Self> {
    fn increment(&mut self);
    /// Adds one to a counter that is not zero, without a branch: whether a common trigram's name was taken up is
    /// as good as random, so a branch on it would be mispredicted as often as not.
    fn increment_if_counted(&mut self);
}

impl Count for u8 {
    fn increment(&mut self) {
        *self += 1;
    }
    fn increment_if_counted(&mut self) {
        *self += u8::from(*self != 0);
    }
}

impl Count for u16 {
    fn increment(&mut self) {
        *self += 1;
    }
    fn increment_if_counted(&mut self) {
        *self += u16::from(*self != 0);
    }
}

/// How many counters `count` checks for zero at once when it collects the names taken up.
const CHUNK: usize = 64;

impl NameIndex {
    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Adds a normalised name; a name already there, or one without trigrams, changes nothing.
    pub fn add(&mut self, name: &str) {
        let hash = self.hasher.hash_one(name);
        if self.numbers.find(hash, |&n| &*self.names[n as usize] == name).is_some() {
            return;
        }
        let grams = trigrams(name);
        if grams.is_empty() {
            return;
        }
        let number = u32::try_from(self.names.len()).expect("fewer than 2^32 names");
        for gram in &grams {
            self.postings.entry(*gram).or_default().push(number);
        }
        self.sizes.push(grams.len() as u32);
        self.names.push(name.into());
        let (names, hasher) = (&self.names, &self.hasher);
        self.numbers.insert_unique(hash, number, |&n| hasher.hash_one(&*names[n as usize]));
    }

    /// Gives back the room the posting lists grew into, after adding many names at once.
    pub fn shrink(&mut self) {
        for list in self.postings.values_mut() {
            list.shrink_to_fit();
        }
        self.names.shrink_to_fit();
        self.sizes.shrink_to_fit();
    }

    /// The indexed names whose similarity to the normalised `query` is above zero and at least `threshold`, most
    /// similar first (then by name), at most `limit` of them.
    pub fn similar(&self, query: &str, threshold: f64, limit: usize) -> Vec<(&str, f64)> {
        let grams = trigrams(query);
        if grams.is_empty() || self.names.is_empty() {
            return Vec::new();
        }
        let mut found = if grams.len() <= usize::from(u8::MAX) {
            SMALL_COUNTS.with_borrow_mut(|counts| self.count(&grams, counts, threshold))
        } else {
            // Names of over 255 distinct trigrams (about as many characters) are rare; their counts need two bytes.
            COUNTS.with_borrow_mut(|counts| self.count(&grams, counts, threshold))
        };
        found.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        found.truncate(limit);
        found
    }

    /// Counts each name's trigrams shared with the query, then keeps the names similar enough and leaves `counts` all
    /// zero again.
    ///
    /// A name reaches the threshold only if it shares at least `threshold` × the query's trigrams (more when it has
    /// trigrams of its own), so it must have one of the query's rarest `n - ⌊threshold × n⌋ + 1` trigrams: names are
    /// taken up from those posting lists only, and the longer lists just add to the counts of names taken up.
    fn count<C: Count>(&self, grams: &[Trigram], counts: &mut Vec<C>, threshold: f64) -> Vec<(&str, f64)> {
        if counts.len() < self.names.len() {
            counts.resize(self.names.len(), C::default());
        }
        let mut lists: Vec<&[u32]> =
            grams.iter().map(|g| self.postings.get(g).map_or(&[][..], Vec::as_slice)).collect();
        lists.sort_by_key(|l| l.len());
        let needed = ((threshold.clamp(0.0, 1.0) * grams.len() as f64).floor() as usize).max(1);
        let (rare, common) = lists.split_at(grams.len() - needed + 1);
        for list in rare {
            for &n in *list {
                counts[n as usize].increment();
            }
        }
        for list in common {
            for &n in *list {
                counts[n as usize].increment_if_counted();
            }
        }
        // The names taken up are the counters not zero: a pass over all of them, most of which are zero, is a fast
        // sequential read, where keeping a list of those taken up cost a branch per entry of the rare lists.
        let mut found = Vec::new();
        let counts = &mut counts[..self.names.len()];
        for (chunk_index, chunk) in counts.chunks_mut(CHUNK).enumerate() {
            if chunk.iter().fold(C::default(), |any, &c| any | c) == C::default() {
                continue;
            }
            for (offset, count) in chunk.iter_mut().enumerate() {
                let shared = std::mem::take(count).into() as usize;
                if shared == 0 {
                    continue;
                }
                let n = chunk_index * CHUNK + offset;
                let union = grams.len() + self.sizes[n] as usize - shared;
                let similarity = shared as f64 / union as f64;
                if similarity >= threshold {
                    found.push((&*self.names[n], similarity));
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::deal_conflict::{name_similarity, normalize_name, trigrams};
    use proptest::prelude::*;

    fn index(names: &[&str]) -> NameIndex {
        let mut index = NameIndex::default();
        for name in names {
            index.add(&normalize_name(name));
        }
        index
    }

    #[test]
    fn finds_a_name_and_its_longer_spelling_but_not_a_name_sharing_one_word() {
        let index = index(&["Sunnet Labs", "Sunnet Labs Europe", "Sundyne Labs", "Northwind"]);
        let found = index.similar("sunnet labs", 0.6, 10);
        let names: Vec<&str> = found.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["sunnet labs", "sunnet labs europe"]);
        assert_eq!(found[0].1, 1.0);
        assert!((found[1].1 - name_similarity("Sunnet Labs", "Sunnet Labs Europe")).abs() < 1e-12);
    }

    #[test]
    fn a_name_added_twice_is_indexed_once_and_an_empty_query_finds_nothing() {
        let mut index = index(&["Acme"]);
        index.add("acme");
        assert_eq!(index.len(), 1);
        assert_eq!(index.similar("acme", 0.3, 10).len(), 1);
        assert!(index.similar("", 0.3, 10).is_empty());
        assert!(NameIndex::default().similar("acme", 0.3, 10).is_empty());
    }

    #[test]
    fn the_limit_keeps_the_most_similar() {
        let index = index(&["Acme Labs", "Acme", "Acme Labs Europe"]);
        let found = index.similar("acme labs", 0.3, 2);
        assert_eq!(found.iter().map(|(n, _)| *n).collect::<Vec<_>>(), ["acme labs", "acme labs europe"]);
    }

    #[test]
    fn a_query_of_more_than_255_trigrams_is_counted_exactly() {
        let words: Vec<String> = (0..150u32).map(|i| format!("w{i:03}x")).collect();
        let long = words.join(" ");
        let shorter = words[..140].join(" ");
        assert!(trigrams(&long).len() > 255);
        let index = index(&[&long, &shorter]);
        let found = index.similar(&long, 0.5, 10);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0], (long.as_str(), 1.0));
        assert_eq!(found[1], (shorter.as_str(), name_similarity(&long, &shorter)));
    }

    fn word() -> impl Strategy<Value = String> {
        // A small alphabet, so that generated names share many trigrams.
        proptest::string::string_regex("[abcde]{1,6}").unwrap()
    }

    proptest! {
        /// The index finds exactly the names the rule would match, with the rule's own score, whatever the names.
        #[test]
        fn finds_exactly_what_the_rule_scores_at_or_above_the_threshold(
            names in proptest::collection::vec(proptest::collection::vec(word(), 1..4), 0..40),
            query in proptest::collection::vec(word(), 1..4),
            threshold in 0.0f64..=1.0,
        ) {
            let names: Vec<String> = names.iter().map(|w| normalize_name(&w.join(" "))).collect();
            let query = normalize_name(&query.join(" "));
            let mut index = NameIndex::default();
            for name in &names {
                index.add(name);
            }
            let found = index.similar(&query, threshold, usize::MAX);
            let mut expected: Vec<&str> = names
                .iter()
                .filter(|n| {
                    let s = name_similarity(n, &query);
                    s > 0.0 && s >= threshold
                })
                .map(String::as_str)
                .collect();
            expected.sort();
            expected.dedup();
            let mut got: Vec<&str> = found.iter().map(|(n, _)| *n).collect();
            got.sort();
            prop_assert_eq!(got, expected);
            for (name, score) in found {
                prop_assert_eq!(score, name_similarity(name, &query));
            }
        }
    }
}
