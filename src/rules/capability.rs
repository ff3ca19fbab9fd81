//! The capability scorecard's figures, one definition each: a question's score on 1–100 from its points, topic =
//! mean of its answered scored questions, category = mean of its topics, overall = mean of its categories; the band
//! of a score; peer and top-quartile averages (shown only with at least `MIN_PEERS` peers); the trend against the
//! previous assessment; the topics that get recommended tasks; and which topics go with revenue growth across the
//! program. Pure: the store reads the answers and the deals, this judges.

use std::collections::HashMap;

use serde::Serialize;

/// The fewest peers (other partners of the same tier with a submitted assessment) whose averages may be shown.
pub const MIN_PEERS: usize = 5;

/// How many of the lowest-scoring topics get recommended tasks.
pub const RECOMMENDED_TOPICS: usize = 3;

/// A scored question as answered: the points of each of its choices, and the indexes of the chosen ones.
#[derive(Debug, Clone, PartialEq)]
pub struct Answered {
    pub multi: bool,
    pub points: Vec<i32>,
    pub chosen: Vec<usize>,
}

/// A question's score on 1–100, or None when it is unanswered (or has nothing to score).
///
/// Single choice: the chosen points placed between the least and the most points on offer (least → 1, most → 100).
/// Multi choice: the share of the positive points on offer that the chosen choices carry (none → 1, all → 100).
pub fn question_score(q: &Answered) -> Option<f64> {
    if q.points.is_empty() {
        return None;
    }
    if q.multi {
        // A multi-choice question answered with nothing chosen is a valid answer ("none of these") only when the
        // caller passes it; an empty `chosen` is taken as "none".
        let total: i64 = q.points.iter().map(|&p| i64::from(p.max(0))).sum();
        if total == 0 {
            return None;
        }
        let mut got: i64 = 0;
        let mut used = vec![false; q.points.len()];
        for &i in &q.chosen {
            if i < used.len() && !used[i] {
                used[i] = true;
                got += i64::from(q.points[i].max(0));
            }
        }
        Some(scale(got as f64 / total as f64))
    } else {
        let p = q.chosen.first().and_then(|&i| q.points.get(i).copied())?;
        let (lo, hi) = (*q.points.iter().min()?, *q.points.iter().max()?);
        if hi == lo {
            return Some(100.0);
        }
        Some(scale(f64::from(p - lo) / f64::from(hi - lo)))
    }
}

/// A share in 0..=1 onto 1..=100.
fn scale(share: f64) -> f64 {
    1.0 + 99.0 * share.clamp(0.0, 1.0)
}

fn mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (mut sum, mut n) = (0.0, 0usize);
    for v in values {
        sum += v;
        n += 1;
    }
    (n > 0).then(|| sum / n as f64)
}

/// A score rounded to two decimals, as stored and shown.
pub fn round(score: f64) -> f64 {
    (score * 100.0).round() / 100.0
}

#[derive(Debug, Clone)]
pub struct Topic {
    pub code: String,
    /// Its scored questions (text questions are left out).
    pub questions: Vec<Answered>,
}

#[derive(Debug, Clone)]
pub struct Category {
    pub code: String,
    pub topics: Vec<Topic>,
}

/// Every score of one assessment; None where nothing is answered yet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    pub overall: Option<f64>,
    pub categories: Vec<(String, Option<f64>)>,
    pub topics: Vec<(String, Option<f64>)>,
}

/// Topic = mean of its answered scored questions, category = mean of its scored topics, overall = mean of its scored
/// categories; each rounded to two decimals only at the end.
pub fn score(categories: &[Category]) -> Scores {
    let mut out = Scores { overall: None, categories: vec![], topics: vec![] };
    let mut category_scores = Vec::new();
    for c in categories {
        let mut topic_scores = Vec::new();
        for t in &c.topics {
            let s = mean(t.questions.iter().filter_map(question_score));
            out.topics.push((t.code.clone(), s.map(round)));
            topic_scores.extend(s);
        }
        let s = mean(topic_scores);
        out.categories.push((c.code.clone(), s.map(round)));
        category_scores.extend(s);
    }
    out.overall = mean(category_scores).map(round);
    out
}

/// A score's band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = CapabilityBand)]
pub enum Band {
    Red,
    Yellow,
    Green,
}

impl Band {
    pub fn css(self) -> &'static str {
        match self {
            Band::Red => "red",
            Band::Yellow => "yellow",
            Band::Green => "green",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Band::Red => "Red",
            Band::Yellow => "Yellow",
            Band::Green => "Green",
        }
    }
}

/// Where the bands start: red below `yellow_from`, yellow below `green_from`, green from there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = CapabilityBands)]
pub struct Bands {
    pub yellow_from: i32,
    pub green_from: i32,
}

impl Default for Bands {
    fn default() -> Bands {
        Bands { yellow_from: 50, green_from: 75 }
    }
}

impl Bands {
    /// Whether these bounds make three bands within 1–100.
    pub fn valid(self) -> bool {
        1 < self.yellow_from && self.yellow_from < self.green_from && self.green_from <= 100
    }

    pub fn band(self, score: f64) -> Band {
        if score >= f64::from(self.green_from) {
            Band::Green
        } else if score >= f64::from(self.yellow_from) {
            Band::Yellow
        } else {
            Band::Red
        }
    }
}

/// The peers' averages for one topic.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = CapabilityPeerStats)]
pub struct PeerStats {
    pub peers: usize,
    pub average: f64,
    /// The mean of the top quarter of the peers' scores (at least one score).
    pub top_quartile: f64,
}

/// The average and top-quartile average of the peers' scores; None below `MIN_PEERS` peers, so that no partner's
/// score can be worked out from a small group.
pub fn peers(scores: &[f64]) -> Option<PeerStats> {
    if scores.len() < MIN_PEERS {
        return None;
    }
    let mut sorted = scores.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let top = sorted.len().div_ceil(4);
    Some(PeerStats {
        peers: sorted.len(),
        average: round(mean(sorted.iter().copied())?),
        top_quartile: round(mean(sorted[..top].iter().copied())?),
    })
}

/// The change since the previous assessment, in points.
pub fn trend(now: Option<f64>, previous: Option<f64>) -> Option<f64> {
    Some(round(now? - previous?))
}

/// The topics to recommend tasks for: the `RECOMMENDED_TOPICS` lowest-scoring topics that are not green, lowest
/// first (ties by their order in the questionnaire).
pub fn recommended_topics(topics: &[(String, Option<f64>)], bands: Bands) -> Vec<String> {
    let mut scored: Vec<(usize, &str, f64)> = topics
        .iter()
        .enumerate()
        .filter_map(|(i, (code, s))| s.map(|s| (i, code.as_str(), s)))
        .filter(|&(_, _, s)| bands.band(s) != Band::Green)
        .collect();
    scored.sort_by(|a, b| a.2.total_cmp(&b.2).then(a.0.cmp(&b.0)));
    scored.into_iter().take(RECOMMENDED_TOPICS).map(|(_, code, _)| code.to_string()).collect()
}

/// Revenue growth: this year's closed-won revenue over last year's, less one; None without revenue last year.
pub fn growth(current: f64, previous: f64) -> Option<f64> {
    (previous > 0.0).then(|| current / previous - 1.0)
}

/// One partner across the program: its latest topic scores and its revenue growth.
#[derive(Debug, Clone)]
pub struct GrowthPoint {
    pub topics: HashMap<String, f64>,
    pub growth: f64,
}

/// How one topic goes with revenue growth.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = CapabilityTopicGrowth)]
pub struct TopicGrowth {
    pub topic: String,
    /// Partners with both a score for the topic and a growth figure.
    pub partners: usize,
    /// Pearson's correlation of the topic's score with growth (-1..1); None when the scores or growths do not vary.
    pub correlation: Option<f64>,
    /// Mean growth of the better-scoring half of the partners, and of the other half (as fractions: 0.1 = 10 %).
    pub top_half_growth: f64,
    pub bottom_half_growth: f64,
}

/// Pearson's correlation; None with fewer than two points or no variation.
pub fn pearson(points: &[(f64, f64)]) -> Option<f64> {
    if points.len() < 2 {
        return None;
    }
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for &(x, y) in points {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    if sxx <= f64::EPSILON || syy <= f64::EPSILON {
        return None;
    }
    Some((sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// For each topic (in the order given) answered by at least `MIN_PEERS` partners with a growth figure: how its score
/// goes with growth. Sorted by correlation, strongest positive first (topics without one last).
pub fn topics_and_growth(topics: &[String], points: &[GrowthPoint]) -> Vec<TopicGrowth> {
    let mut out = Vec::new();
    for topic in topics {
        let mut pairs: Vec<(f64, f64)> =
            points.iter().filter_map(|p| p.topics.get(topic).map(|&s| (s, p.growth))).collect();
        if pairs.len() < MIN_PEERS {
            continue;
        }
        let correlation = pearson(&pairs).map(|r| (r * 1000.0).round() / 1000.0);
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
        let half = pairs.len() / 2;
        let (top, bottom) = pairs.split_at(pairs.len() - half);
        out.push(TopicGrowth {
            topic: topic.clone(),
            partners: pairs.len(),
            correlation,
            top_half_growth: mean(top.iter().map(|p| p.1)).unwrap_or(0.0),
            bottom_half_growth: mean(bottom.iter().map(|p| p.1)).unwrap_or(0.0),
        });
    }
    out.sort_by(|a, b| match (a.correlation, b.correlation) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn single(points: &[i32], chosen: Option<usize>) -> Answered {
        Answered { multi: false, points: points.to_vec(), chosen: chosen.into_iter().collect() }
    }

    fn multi(points: &[i32], chosen: &[usize]) -> Answered {
        Answered { multi: true, points: points.to_vec(), chosen: chosen.to_vec() }
    }

    #[test]
    fn questions_map_their_points_onto_1_to_100() {
        let scale = [0, 1, 2, 3];
        assert_eq!(question_score(&single(&scale, Some(0))), Some(1.0));
        assert_eq!(question_score(&single(&scale, Some(3))), Some(100.0));
        assert_eq!(question_score(&single(&scale, Some(1))), Some(34.0));
        assert_eq!(question_score(&single(&scale, None)), None);
        // Two of four equal choices: half of the way.
        assert_eq!(question_score(&multi(&[1, 1, 1, 1], &[0, 2])), Some(50.5));
        assert_eq!(question_score(&multi(&[1, 1, 1, 1], &[])), Some(1.0));
        // A choice named twice counts once.
        assert_eq!(question_score(&multi(&[1, 1, 1, 1], &[1, 1, 1, 1])), Some(25.75));
    }

    #[test]
    fn topics_categories_and_overall_are_means_of_the_level_below() {
        let scale = [0, 1, 2, 3];
        let cats = vec![
            Category {
                code: "sales".into(),
                topics: vec![
                    // (100 + 34) / 2 = 67
                    Topic { code: "a".into(), questions: vec![single(&scale, Some(3)), single(&scale, Some(1))] },
                    // 1, the unanswered question left out
                    Topic { code: "b".into(), questions: vec![single(&scale, Some(0)), single(&scale, None)] },
                ],
            },
            Category {
                code: "marketing".into(),
                topics: vec![Topic { code: "c".into(), questions: vec![multi(&[1, 1, 1, 1], &[0, 1, 2, 3])] }],
            },
            Category { code: "empty".into(), topics: vec![Topic { code: "d".into(), questions: vec![] }] },
        ];
        let s = score(&cats);
        assert_eq!(
            s.topics,
            vec![("a".into(), Some(67.0)), ("b".into(), Some(1.0)), ("c".into(), Some(100.0)), ("d".into(), None)]
        );
        // sales = (67 + 1) / 2 = 34; overall = (34 + 100) / 2 = 67, the empty category left out.
        assert_eq!(
            s.categories,
            vec![("sales".into(), Some(34.0)), ("marketing".into(), Some(100.0)), ("empty".into(), None)]
        );
        assert_eq!(s.overall, Some(67.0));
    }

    #[test]
    fn bands_split_at_the_tenants_bounds() {
        let b = Bands::default();
        assert_eq!(
            (b.band(1.0), b.band(49.99), b.band(50.0), b.band(74.99), b.band(75.0)),
            (Band::Red, Band::Red, Band::Yellow, Band::Yellow, Band::Green)
        );
        assert!(b.valid() && !Bands { yellow_from: 80, green_from: 70 }.valid());
    }

    #[test]
    fn peers_are_hidden_below_five_and_the_top_quartile_is_the_best_quarter() {
        assert_eq!(peers(&[10.0, 20.0, 30.0, 40.0]), None);
        // 8 peers: the top quarter is the best 2 (80, 70) → 75; average 45.
        let p = peers(&[10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0]).unwrap();
        assert_eq!((p.peers, p.average, p.top_quartile), (8, 45.0, 75.0));
        // 5 peers: the top quarter rounds up to 2.
        let p = peers(&[10.0, 20.0, 30.0, 40.0, 90.0]).unwrap();
        assert_eq!((p.average, p.top_quartile), (38.0, 65.0));
    }

    #[test]
    fn trend_and_recommendations() {
        assert_eq!(trend(Some(60.5), Some(50.25)), Some(10.25));
        assert_eq!(trend(Some(60.0), None), None);
        let topics = vec![
            ("a".to_string(), Some(80.0)),
            ("b".to_string(), Some(20.0)),
            ("c".to_string(), Some(60.0)),
            ("d".to_string(), None),
            ("e".to_string(), Some(20.0)),
            ("f".to_string(), Some(40.0)),
        ];
        assert_eq!(recommended_topics(&topics, Bands::default()), vec!["b", "e", "f"]);
        // Green topics are never recommended.
        assert!(recommended_topics(&[("a".into(), Some(90.0))], Bands::default()).is_empty());
    }

    #[test]
    fn growth_goes_with_the_topics_that_predict_it() {
        assert_eq!(growth(120.0, 100.0).map(round), Some(0.2));
        assert_eq!(growth(10.0, 0.0), None);
        let point = |a: f64, b: f64, g: f64| GrowthPoint {
            topics: [("a".to_string(), a), ("b".to_string(), b)].into_iter().collect(),
            growth: g,
        };
        // a rises with growth exactly; b falls with it.
        let points: Vec<GrowthPoint> =
            (0..6).map(|i| point(10.0 * f64::from(i), 100.0 - 10.0 * f64::from(i), 0.1 * f64::from(i))).collect();
        let out = topics_and_growth(&["b".into(), "a".into(), "c".into()], &points);
        assert_eq!(out.len(), 2, "c has no scores");
        assert_eq!((out[0].topic.as_str(), out[0].correlation), ("a", Some(1.0)));
        assert_eq!((out[1].topic.as_str(), out[1].correlation), ("b", Some(-1.0)));
        // a's best half (50, 40, 30) grew 0.4 on average, its other half 0.1.
        assert!((out[0].top_half_growth - 0.4).abs() < 1e-9 && (out[0].bottom_half_growth - 0.1).abs() < 1e-9);
        // Fewer than five partners: nothing shown.
        assert!(topics_and_growth(&["a".into()], &points[..4]).is_empty());
        assert_eq!(pearson(&[(1.0, 2.0), (1.0, 3.0)]), None);
    }

    fn answered() -> impl Strategy<Value = Answered> {
        (any::<bool>(), prop::collection::vec(-5i32..20, 1..6), prop::collection::vec(0usize..8, 0..6))
            .prop_map(|(multi, points, chosen)| Answered { multi, points, chosen })
    }

    proptest! {
        #[test]
        fn scores_stay_within_1_and_100(cats in prop::collection::vec(
            prop::collection::vec(prop::collection::vec(answered(), 0..4), 0..4), 0..4)) {
            let cats: Vec<Category> = cats.into_iter().enumerate().map(|(i, topics)| Category {
                code: format!("c{i}"),
                topics: topics.into_iter().enumerate()
                    .map(|(j, questions)| Topic { code: format!("t{i}_{j}"), questions }).collect(),
            }).collect();
            let s = score(&cats);
            let all = s.topics.iter().chain(&s.categories).filter_map(|x| x.1).chain(s.overall);
            for v in all {
                prop_assert!((1.0..=100.0).contains(&v), "{v}");
            }
        }

        #[test]
        fn bands_are_monotone(y in 2i32..99, gap in 1i32..50, a in 1.0f64..100.0, b in 1.0f64..100.0) {
            let bands = Bands { yellow_from: y, green_from: (y + gap).min(100) };
            prop_assume!(bands.valid());
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(bands.band(lo) <= bands.band(hi));
        }

        #[test]
        fn peers_are_hidden_below_five(scores in prop::collection::vec(1.0f64..100.0, 0..12)) {
            match peers(&scores) {
                None => prop_assert!(scores.len() < MIN_PEERS),
                Some(p) => {
                    prop_assert!(scores.len() >= MIN_PEERS);
                    prop_assert!(p.top_quartile + 1e-9 >= p.average);
                    prop_assert!((1.0..=100.0).contains(&p.average));
                }
            }
        }
    }
}
