//! The session timeline: the protocol's steps in order, needling expanded zone by zone.

use crate::plan::{SessionTimeline, TimelineStep, ZonePlan};
use crate::protocol::{Protocol, StepKind};

pub fn build(protocol: &Protocol, zones: &[ZonePlan]) -> SessionTimeline {
    let mut steps = Vec::new();
    let mut needling_minutes = 0;
    let mut numbing_minutes = 0;
    for step in &protocol.steps {
        match step.kind {
            StepKind::Needling => {
                for planned in zones {
                    let minutes = protocol.zone(&planned.zone).map_or(0, |z| z.needling_minutes);
                    needling_minutes += minutes;
                    steps.push(TimelineStep {
                        step: step.id.clone(),
                        zone: Some(planned.zone.clone()),
                        label: format!("Needling: {} at {} mm", planned.label, planned.depth_mm.planned),
                        minutes,
                    });
                }
            }
            StepKind::Numbing | StepKind::Fixed => {
                if step.kind == StepKind::Numbing {
                    numbing_minutes += step.minutes;
                }
                steps.push(TimelineStep {
                    step: step.id.clone(),
                    zone: None,
                    label: step.label.clone(),
                    minutes: step.minutes,
                });
            }
        }
    }
    let total_minutes = steps.iter().map(|s| s.minutes).sum();
    SessionTimeline {
        steps,
        total_minutes,
        needling_minutes,
        total_without_numbing_minutes: total_minutes - numbing_minutes,
    }
}
