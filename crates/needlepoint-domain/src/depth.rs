//! Needle depths. Held as whole hundredths of a millimetre so that comparisons against bounds are
//! exact: 0.1 + 0.2 must never slip past a 0.3 mm limit.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A needle depth (device setting, not tissue depth), in hundredths of a millimetre.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Mm(u32);

/// The deepest setting any input may name. Nothing on the market reaches half of this; anything
/// larger is a typo (centimetres, or micrometres) rather than a depth.
pub const MAX_ACCEPTED: Mm = Mm(1000);

impl Mm {
    pub const ZERO: Mm = Mm(0);

    pub const fn from_hundredths(hundredths: u32) -> Mm {
        Mm(hundredths)
    }

    pub const fn hundredths(self) -> u32 {
        self.0
    }

    /// Reads a depth written as millimetres. Rounds to the nearest hundredth.
    pub fn from_mm(value: f64) -> Result<Mm, DepthProblem> {
        if !value.is_finite() {
            return Err(DepthProblem::NotANumber);
        }
        if value < 0.0 {
            return Err(DepthProblem::Negative);
        }
        let hundredths = (value * 100.0).round();
        if hundredths > f64::from(MAX_ACCEPTED.0) {
            return Err(DepthProblem::TooDeep);
        }
        // In range 0..=1000 after the checks above, so the conversion is exact.
        Ok(Mm(hundredths as u32))
    }

    pub fn as_mm(self) -> f64 {
        f64::from(self.0) / 100.0
    }

    /// Rounds down to a whole number of `step`s (a zero step leaves the depth as it is).
    pub fn floor_to(self, step: Mm) -> Mm {
        if step.0 == 0 {
            return self;
        }
        Mm(self.0 - self.0 % step.0)
    }

    pub fn midpoint(self, other: Mm) -> Mm {
        Mm((self.0 + other.0) / 2)
    }
}

/// Why a number could not be read as a depth.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DepthProblem {
    #[error("a depth must be a number of millimetres")]
    NotANumber,
    #[error("a depth cannot be negative")]
    Negative,
    #[error("a depth above 10 mm is not a needle setting (was it written in another unit?)")]
    TooDeep,
}

impl fmt::Display for Mm {
    /// 0.25, 0.5, 1.0, 1.5: at least one decimal, at most two.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 100;
        let fraction = self.0 % 100;
        if fraction.is_multiple_of(10) {
            write!(f, "{whole}.{}", fraction / 10)
        } else {
            write!(f, "{whole}.{fraction:02}")
        }
    }
}

impl Serialize for Mm {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.as_mm())
    }
}

/// Reads millimetres, with the same checks as [`Mm::from_mm`]: a stored plan reads back exactly.
impl<'de> Deserialize<'de> for Mm {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Mm, D::Error> {
        let mm = f64::deserialize(deserializer)?;
        Mm::from_mm(mm).map_err(serde::de::Error::custom)
    }
}

/// A closed range of depths, `min <= max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepthRange {
    pub min: Mm,
    pub max: Mm,
}

impl DepthRange {
    /// A range, or `None` when `min > max`.
    pub fn new(min: Mm, max: Mm) -> Option<DepthRange> {
        (min <= max).then_some(DepthRange { min, max })
    }

    pub fn contains(self, depth: Mm) -> bool {
        self.min <= depth && depth <= self.max
    }

    pub fn contains_range(self, other: DepthRange) -> bool {
        self.contains(other.min) && self.contains(other.max)
    }

    /// The overlap of two ranges, or `None` when they do not meet.
    pub fn intersect(self, other: DepthRange) -> Option<DepthRange> {
        DepthRange::new(self.min.max(other.min), self.max.min(other.max))
    }

    /// The lower half: from `min` to the midpoint.
    pub fn lower_half(self) -> DepthRange {
        DepthRange {
            min: self.min,
            max: self.min.midpoint(self.max),
        }
    }
}

impl fmt::Display for DepthRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.min == self.max {
            write!(f, "{} mm", self.min)
        } else {
            write!(f, "{}-{} mm", self.min, self.max)
        }
    }
}

/// In the API's description a depth is a number of millimetres.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Mm {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Number)
            .description(Some("millimetres, to the hundredth"))
            .examples([serde_json::json!(0.75)])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Mm {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_prints_millimetres() {
        assert_eq!(Mm::from_mm(0.25).map(|d| d.to_string()), Ok("0.25".into()));
        assert_eq!(Mm::from_mm(1.0).map(|d| d.to_string()), Ok("1.0".into()));
        assert_eq!(Mm::from_mm(1.5).map(|d| d.to_string()), Ok("1.5".into()));
        assert_eq!(Mm::from_mm(0.05).map(|d| d.to_string()), Ok("0.05".into()));
        assert_eq!(Mm::from_mm(-0.1), Err(DepthProblem::Negative));
        assert_eq!(Mm::from_mm(f64::NAN), Err(DepthProblem::NotANumber));
        assert_eq!(Mm::from_mm(25.0), Err(DepthProblem::TooDeep));
    }

    #[test]
    fn serializes_as_a_plain_number() {
        let json = serde_json::to_string(&Mm::from_hundredths(35)).unwrap();
        assert_eq!(json, "0.35");
    }

    #[test]
    fn ranges_intersect_and_halve() {
        let a = DepthRange::new(Mm(50), Mm(150)).unwrap();
        let b = DepthRange::new(Mm(100), Mm(200)).unwrap();
        assert_eq!(a.intersect(b), DepthRange::new(Mm(100), Mm(150)));
        assert_eq!(a.intersect(DepthRange::new(Mm(160), Mm(200)).unwrap()), None);
        assert_eq!(a.lower_half(), DepthRange::new(Mm(50), Mm(100)).unwrap());
        assert_eq!(Mm(137).floor_to(Mm(5)), Mm(135));
        assert!(DepthRange::new(Mm(2), Mm(1)).is_none());
    }
}
