//! The tension chart as SVG, drawn with plotters.

use plotters::prelude::*;

use crate::scenario::{Lang, Scenario};

const COLORS: [RGBColor; 8] = [
    RGBColor(0xc0, 0x39, 0x2b),
    RGBColor(0x29, 0x80, 0xb9),
    RGBColor(0x27, 0xae, 0x60),
    RGBColor(0x8e, 0x44, 0xad),
    RGBColor(0xd3, 0x54, 0x00),
    RGBColor(0x16, 0xa0, 0x85),
    RGBColor(0x7f, 0x8c, 0x8d),
    RGBColor(0x2c, 0x3e, 0x50),
];

/// Tension of the pairs that moved most, over the rounds (index 0 = start). Ladder
/// steps are drawn as bands.
pub fn tension_svg(scenario: &Scenario, lang: Lang, history: &[Vec<u8>]) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (860, 420)).into_drawing_area();
        // Drawing into a String cannot fail for lack of disk or fonts (the naive font
        // layout is used); if plotters still reports an error, the chart is left out.
        let _ = draw(&root, scenario, lang, history);
        let _ = root.present();
    }
    svg
}

fn draw(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    scenario: &Scenario,
    lang: Lang,
    history: &[Vec<u8>],
) -> Option<()> {
    root.fill(&WHITE).ok()?;
    let rounds = history.len().saturating_sub(1).max(1) as i32;
    let mut chart = ChartBuilder::on(root)
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(40)
        .build_cartesian_2d(0i32..rounds, 0i32..100i32)
        .ok()?;
    // Ladder bands, tinted from calm green to crisis red, named at the left.
    const TINTS: [RGBColor; 5] = [
        RGBColor(0xe3, 0xf1, 0xe5),
        RGBColor(0xee, 0xf3, 0xdc),
        RGBColor(0xfb, 0xf0, 0xd5),
        RGBColor(0xfb, 0xe2, 0xd3),
        RGBColor(0xf6, 0xd4, 0xd4),
    ];
    let steps = scenario.ladder.len();
    for (k, step) in scenario.ladder.iter().enumerate() {
        let top = scenario
            .ladder
            .get(k + 1)
            .map(|n| n.from as i32)
            .unwrap_or(100);
        let tint = TINTS[if steps <= 1 {
            0
        } else {
            k * (TINTS.len() - 1) / (steps - 1)
        }];
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0, step.from as i32), (rounds, top)],
                tint.filled(),
            )))
            .ok()?;
        chart
            .draw_series(std::iter::once(Text::new(
                step.name.get(lang).to_owned(),
                (0, top),
                ("sans-serif", 12)
                    .into_font()
                    .color(&RGBColor(0x70, 0x70, 0x70)),
            )))
            .ok()?;
    }
    chart
        .configure_mesh()
        .x_desc("round (0 = start)")
        .y_desc("tension")
        .x_labels(rounds as usize + 1)
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .ok()?;
    let mut pairs: Vec<(usize, String, u8)> = scenario
        .pairs()
        .map(|(a, b)| {
            let i = scenario.pair_index(a, b);
            let label = format!(
                "{} – {}",
                scenario.state(a).name.get(lang),
                scenario.state(b).name.get(lang)
            );
            (i, label, history.iter().map(|h| h[i]).max().unwrap_or(0))
        })
        .collect();
    pairs.sort_by_key(|p| std::cmp::Reverse(p.2));
    pairs.truncate(COLORS.len());
    for (k, (i, label, _)) in pairs.iter().enumerate() {
        let color = COLORS[k];
        chart
            .draw_series(LineSeries::new(
                history
                    .iter()
                    .enumerate()
                    .map(|(r, h)| (r as i32, h[*i] as i32)),
                color.stroke_width(3),
            ))
            .ok()?
            .label(label.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(3))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .ok()?;
    Some(())
}
