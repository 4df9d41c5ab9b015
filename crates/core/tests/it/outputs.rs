//! The files cbm-ttx writes hold up: the MSEL opens safely in a spreadsheet, player
//! text cannot change the structure of report.md or report.html, anonymised reports
//! name nobody, a failed write leaves the previous files whole, and the report tells
//! what was said and what became of it, in words.

use std::sync::Arc;

use proptest::prelude::*;
use pulldown_cmark::{Event as Md, Options as MdOptions, Parser, Tag, TagEnd};

use cbm_ttx_core::engine::{Action, Command, EventKind, Game, Seat};
use cbm_ttx_core::report::{self, Block, Doc, Options, anonymise::Redactor, markdown, msel};
use cbm_ttx_core::scenario::{Effect, Lang, Level, Scenario};
use cbm_ttx_core::sim::{Policy, batch};

use crate::common::*;

// ---- MSEL ----------------------------------------------------------------------------

/// What a spreadsheet would read as a formula (OWASP's list, and full-width forms).
fn formula_like(cell: &str) -> bool {
    cell.trim_start_matches(' ')
        .starts_with(['=', '+', '-', '@', '\t', '\r', '\n', '＝', '＋', '－', '＠'])
}

fn msel_rows(csv_text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let head = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (head, rows)
}

/// The tutorial with the first inject's title, text and question set to `t`.
fn tutorial_with_inject_text(t: &str) -> Scenario {
    let lit = ron::to_string(t).unwrap();
    let src = tweak("title: \"Exchange offline\"", &format!("title: {lit}")).replacen(
        "questions: [\"What do Lakeland",
        &format!("questions: [{lit}, \"What do Lakeland"),
        1,
    );
    compile(&src)
}

#[test]
fn msel_cells_that_a_spreadsheet_would_run_are_neutralised() {
    for title in [
        "+2h: the exercise begins",
        "-30 min: the exchange goes dark",
        "=HYPERLINK(\"http://x\",\"click\")",
        "@SUM(A1:A2)",
        "\tTabbed",
        "\rReturn",
        "＝1+1",
    ] {
        let s = tutorial_with_inject_text(title);
        let text = msel::csv(&s, Lang::En).unwrap();
        let (_, rows) = msel_rows(&text);
        let row = rows.iter().find(|r| r[1] == "outage").unwrap();
        assert_eq!(row[2], format!("'{title}"), "{title:?}");
        for cell in row {
            assert!(!formula_like(cell), "{cell:?} would be a formula");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn no_msel_cell_is_a_formula_and_text_survives(t in "[=+@\\-\t\r＝ a-zA-Zа-я0-9:()\"',;\n]{0,24}") {
        let s = tutorial_with_inject_text(&t);
        let text = msel::csv(&s, Lang::En).unwrap();
        let (_, rows) = msel_rows(&text);
        for row in &rows {
            for cell in row {
                prop_assert!(!formula_like(cell), "{:?} would be a formula", cell);
            }
        }
        let row = rows.iter().find(|r| r[1] == "outage").unwrap();
        let shown = row[2].strip_prefix('\'').filter(|_| formula_like(&t)).unwrap_or(&row[2]);
        prop_assert_eq!(shown, t.as_str());
    }
}

#[test]
fn msel_opens_as_utf8_in_excel_and_says_it_can_leave_the_mark_out() {
    let s = cascade();
    let text = msel::csv(&s, Lang::Ru).unwrap();
    assert!(text.starts_with('\u{FEFF}'), "no byte-order mark");
    let plain = msel::csv_with(&s, Lang::Ru, &msel::Options { bom: false }).unwrap();
    assert!(!plain.starts_with('\u{FEFF}'));
    assert_eq!(text.trim_start_matches('\u{FEFF}'), plain);
    assert!(msel::Options::default().bom);
}

#[test]
fn msel_lists_questions_and_every_related_objective() {
    let s = cascade();
    let (head, rows) = msel_rows(&msel::csv(&s, Lang::En).unwrap());
    let col = |name: &str| {
        head.iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}: {head:?}"))
    };
    let (q, rel) = (col("discussion questions"), col("related objectives"));
    for inj in &s.injects {
        let row = rows.iter().find(|r| r[1] == inj.id).unwrap();
        for question in &inj.questions {
            assert!(row[q].contains(question.en()), "{}: {}", inj.id, row[q]);
        }
        // An inject that brings an incident into play relates to every objective about
        // a fact of that incident.
        for e in &inj.effects {
            let incident = match e {
                Effect::OpenIncident(i) => *i,
                Effect::RevealFact(f, _) => s.fact(*f).incident,
                _ => continue,
            };
            for o in &s.objectives {
                if let cbm_ttx_core::scenario::Check::FactShared { fact, .. } = o.check
                    && s.fact(fact).incident == incident
                {
                    assert!(
                        row[rel].contains(&o.id),
                        "{} opens the incident of objective {}: {:?}",
                        inj.id,
                        o.id,
                        row[rel]
                    );
                }
            }
        }
    }
}

// ---- Markdown and HTML: player text changes no structure -----------------------------

fn text_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,30}",
        "[#*_`<>\\[\\]()!|&\\\\~=+.0-9 \r\n\tаbc-]{0,30}",
        Just("<img src=x onerror=alert(1)> Ana".to_owned()),
        Just("# heading\n- item\n\n| a | b |\r\n|---|---|".to_owned()),
        Just("1. one\n    code\n> quote".to_owned()),
        Just("[link](javascript:alert(1)) ![i](x) <http://x> &amp; &#60;".to_owned()),
        Just("```\nfence".to_owned()),
        // Trojan Source: an override that reorders what a reader sees, and an isolate.
        "[a-z \u{202A}-\u{202E}\u{2066}-\u{2069}\u{0}\u{7}\u{1b}\u{85}\u{200B}-\u{200F}\u{61C}\u{2028}\u{2029}\u{FEFF}\u{E0041}\u{E007F}]{0,20}",
    ]
}

fn block_strategy() -> impl Strategy<Value = Block> {
    prop_oneof![
        (2u8..4, text_strategy()).prop_map(|(l, t)| Block::Heading(l, t)),
        text_strategy().prop_map(Block::Para),
        text_strategy().prop_map(Block::Note),
        proptest::collection::vec(text_strategy(), 1..4).prop_map(Block::List),
        (1usize..4, 0usize..3).prop_flat_map(|(cols, rows)| {
            (
                proptest::collection::vec(text_strategy(), cols),
                proptest::collection::vec(proptest::collection::vec(text_strategy(), cols), rows),
            )
                .prop_map(|(head, rows)| Block::Table { head, rows })
        }),
    ]
}

/// The shape of a Markdown document: one entry per block, with its text.
#[derive(Debug, PartialEq)]
enum Shape {
    Heading(u8, String),
    Para(String),
    List(Vec<String>),
    Table(Vec<Vec<String>>),
}

fn shape_of_markdown(md: &str) -> Result<Vec<Shape>, String> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut items: Vec<String> = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut depth = 0;
    for ev in Parser::new_ext(
        md,
        MdOptions::ENABLE_TABLES | MdOptions::ENABLE_STRIKETHROUGH,
    ) {
        match ev {
            Md::Html(h) | Md::InlineHtml(h) => return Err(format!("HTML in the document: {h:?}")),
            Md::Start(Tag::Link { .. } | Tag::Image { .. }) => {
                // Only the chart is an image, in a paragraph of its own.
                text.push_str("<link>");
                depth += 1;
            }
            Md::Start(Tag::TableHead | Tag::TableRow) => {
                rows.push(Vec::new());
                depth += 1;
            }
            Md::Start(Tag::List(_) | Tag::Table(_) | Tag::BlockQuote(_) | Tag::CodeBlock(_))
                if depth > 0 =>
            {
                return Err("a nested block".into());
            }
            Md::Start(Tag::Heading { .. } | Tag::Paragraph | Tag::List(_) | Tag::Table(_))
                if depth == 0 =>
            {
                depth += 1;
                text.clear();
                items.clear();
                rows.clear();
            }
            Md::Start(Tag::BlockQuote(_) | Tag::CodeBlock(_) | Tag::HtmlBlock) => {
                return Err("a quote or code block".into());
            }
            Md::Start(Tag::Heading { .. } | Tag::Paragraph) => {}
            Md::Start(_) => depth += 1,
            Md::Text(t) | Md::Code(t) => text.push_str(&t),
            Md::SoftBreak | Md::HardBreak => text.push(' '),
            Md::End(TagEnd::Item) => {
                items.push(std::mem::take(&mut text));
                depth -= 1;
            }
            Md::End(TagEnd::TableCell) => {
                match rows.last_mut() {
                    Some(r) => r.push(std::mem::take(&mut text)),
                    None => return Err("a cell outside a row".into()),
                }
                depth -= 1;
            }
            Md::End(TagEnd::TableHead | TagEnd::TableRow) => depth -= 1,
            Md::End(TagEnd::Heading(level)) if depth == 1 => {
                out.push(Shape::Heading(level as u8, std::mem::take(&mut text)));
                depth -= 1;
            }
            Md::End(TagEnd::Paragraph) if depth == 1 => {
                out.push(Shape::Para(std::mem::take(&mut text)));
                depth -= 1;
            }
            Md::End(TagEnd::List(_)) if depth == 1 => {
                out.push(Shape::List(std::mem::take(&mut items)));
                depth -= 1;
            }
            Md::End(TagEnd::Table) => {
                out.push(Shape::Table(std::mem::take(&mut rows)));
                depth -= 1;
            }
            Md::End(TagEnd::Heading(_) | TagEnd::Paragraph) => {}
            Md::End(_) => depth -= 1,
            _ => {}
        }
    }
    Ok(out)
}

fn expected_shape(doc: &Doc) -> Vec<Shape> {
    let t = |s: &str| markdown::one_line(s);
    let mut out = vec![Shape::Heading(1, t(&doc.title))];
    for b in &doc.blocks {
        match b {
            Block::Heading(l, s) => out.push(Shape::Heading(*l, t(s))),
            Block::Para(s) | Block::Note(s) => {
                if !t(s).is_empty() {
                    out.push(Shape::Para(t(s)))
                }
            }
            Block::List(items) => out.push(Shape::List(items.iter().map(|i| t(i)).collect())),
            Block::Table { head, rows } => out.push(Shape::Table(
                std::iter::once(head)
                    .chain(rows)
                    .map(|r| r.iter().map(|c| t(c)).collect())
                    .collect(),
            )),
            Block::Chart { title, .. } => out.push(Shape::Para(format!("<link>{}", t(title)))),
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn player_text_never_changes_the_markdown_structure(
        title in text_strategy(),
        blocks in proptest::collection::vec(block_strategy(), 1..8),
    ) {
        let doc = Doc { title, blocks };
        let (md, _) = markdown::render(&doc);
        let shape = shape_of_markdown(&md);
        prop_assert_eq!(shape, Ok(expected_shape(&doc)), "markdown:\n{}", md);
    }

    #[test]
    fn player_text_never_becomes_an_html_tag(
        title in text_strategy(),
        blocks in proptest::collection::vec(block_strategy(), 1..8),
    ) {
        let doc = Doc { title, blocks };
        // The same document with every text replaced by a plain word (empty stays empty).
        let x = |s: &String| if s.is_empty() { String::new() } else { "x".to_owned() };
        let plain = Doc {
            title: x(&doc.title),
            blocks: doc.blocks.iter().map(|b| match b {
                Block::Heading(l, t) => Block::Heading(*l, x(t)),
                Block::Para(t) => Block::Para(x(t)),
                Block::Note(t) => Block::Note(x(t)),
                Block::List(i) => Block::List(i.iter().map(x).collect()),
                Block::Table { head, rows } => Block::Table {
                    head: head.iter().map(x).collect(),
                    rows: rows.iter().map(|r| r.iter().map(x).collect()).collect(),
                },
                Block::Chart { title, svg } => Block::Chart { title: title.clone(), svg: svg.clone() },
            }).collect(),
        };
        prop_assert_eq!(tags(&report::html::render(&doc)), tags(&report::html::render(&plain)));
    }

    #[test]
    fn no_report_carries_a_control_or_reordering_character(
        title in text_strategy(),
        blocks in proptest::collection::vec(block_strategy(), 1..8),
    ) {
        let doc = Doc { title, blocks };
        let (md, _) = markdown::render(&doc);
        let html = report::html::render(&doc);
        for (name, text) in [("report.md", &md), ("report.html", &html)] {
            let bad = text.chars().find(|&c| report::is_deceptive(c) && !matches!(c, '\n' | '\t'));
            prop_assert!(bad.is_none(), "{} carries {:?}:\n{}", name, bad, text);
        }
    }
}

/// The tags of an HTML text, in order, with their attributes.
fn tags(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        let end = rest[i..].find('>').map(|j| i + j + 1).unwrap_or(rest.len());
        out.push(rest[i..end].to_owned());
        rest = &rest[end..];
    }
    out
}

/// A game on the reference scenario whose participants and free texts are hostile.
fn hostile_game() -> Game {
    let s = cascade();
    let mut g = Game::new(s.clone(), 7);
    let names = [
        "<img src=x onerror=alert(1)> Ana",
        "Zofia\r\nKowalska",
        "# Eva | Lind",
        "Ian `Smith`",
        "Пётр Иванов",
    ];
    for (st, name) in s.state_ids().zip(names) {
        control(
            &mut g,
            Command::TakeSeat {
                seat: Seat::State(st),
                name: name.into(),
            },
        );
    }
    control(&mut g, Command::Start);
    control(&mut g, Command::BeginDeliberation { seconds: 0 });
    let ar = state(&s, "ardenia");
    submit(
        &mut g,
        Seat::State(ar),
        body(&s, "ardenia", "mfa"),
        Action::ContactMessage {
            to: state(&s, "borovia"),
            level: Level::Policy,
            text: "<script>alert(1)</script>\r\n| a | b |\n# not a heading".into(),
        },
    );
    control(
        &mut g,
        Command::Annotate {
            text: "<b>bold</b> [x](javascript:alert(1))\r\nline two".into(),
        },
    );
    resolve(&mut g);
    batch::play_rounds(&mut g, Policy::Cooperative);
    g
}

#[test]
fn a_hostile_game_renders_to_a_report_with_no_markup_from_players() {
    let g = hostile_game();
    let s = cascade();
    let doc = report::build(&s, 7, g.events(), &Options::default());
    let (md, _) = markdown::render(&doc);
    let shape = shape_of_markdown(&md).unwrap_or_else(|e| panic!("{e}\n{md}"));
    assert_eq!(shape, expected_shape(&doc), "{md}");
    let html = report::html::render(&doc);
    for bad in ["<img", "<script", "<b>"] {
        assert!(!html.contains(bad), "{bad} in report.html");
        // In report.md they may only appear escaped (\<img), as text.
        assert!(!md.replace("\\<", "").contains(bad), "{bad} in report.md");
    }
    // The texts are still there, as text.
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the message text is missing"
    );
}

#[test]
fn multi_line_titles_and_names_stay_headings_and_rows_stay_whole() {
    let src = tweak(
        "title: {\"en\": \"Round 1: the outage\", \"ru\": \"Раунд 1: сбой\"}",
        "title: \"Round 1:\n    the outage\r\n```\"",
    )
    .replacen(
        "name: {\"en\": \"Lakeland\", \"ru\": \"Лейкленд\"}",
        "name: \"Lake\r\nland | & <i>\"",
        1,
    );
    let s = Arc::new(compile(&src));
    let g = cbm_ttx_core::sim::play(s.clone(), 3, Policy::Cooperative);
    let doc = report::build(&s, 3, g.events(), &Options::default());
    let (md, _) = markdown::render(&doc);
    let shape = shape_of_markdown(&md).unwrap_or_else(|e| panic!("{e}\n{md}"));
    assert_eq!(shape, expected_shape(&doc), "{md}");
    assert!(
        shape.contains(&Shape::Heading(3, "Round 1: the outage ```".into())),
        "{md}"
    );
}

// ---- anonymisation --------------------------------------------------------------------

#[test]
fn anonymising_removes_names_and_their_parts_as_whole_words_only() {
    let r = Redactor::new([
        "Zofia Kowalska",
        "Ana",
        "Eva Lind",
        "Ian Smith",
        "Пётр Иванов",
        "Dr. Li Wei",
    ]);
    let cases = [
        (
            "Ms Kowalska agreed with zofia.",
            "Ms [participant] agreed with [participant].",
        ),
        ("Zofia Kowalska said so", "[participant] said so"),
        ("Joint analysis by Ana", "Joint analysis by [participant]"),
        ("ANA's analysis", "[participant]'s analysis"),
        (
            "Evaluation by Eva; Mr LIND",
            "Evaluation by [participant]; Mr [participant]",
        ),
        ("Ian's Indian colleague", "[participant]'s Indian colleague"),
        (
            "ИВАНОВ и Пётр; Ивановский",
            "[participant] и [participant]; Ивановский",
        ),
        ("Dr. Wei", "Dr. [participant]"),
        (
            "Banana, Savannah, Evangelist",
            "Banana, Savannah, Evangelist",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(r.clean(text), want, "{text}");
    }
}

#[test]
fn an_anonymised_report_names_nobody_and_keeps_ordinary_words() {
    let s = cascade();
    let mut g = Game::new(s.clone(), 11);
    let names = [
        "Zofia Kowalska",
        "Ana",
        "Eva Lind",
        "Ian Smith",
        "Пётр Иванов",
    ];
    for (st, name) in s.state_ids().zip(names) {
        control(
            &mut g,
            Command::TakeSeat {
                seat: Seat::State(st),
                name: name.into(),
            },
        );
    }
    control(&mut g, Command::Start);
    control(&mut g, Command::BeginDeliberation { seconds: 0 });
    submit(
        &mut g,
        Seat::State(state(&s, "ardenia")),
        body(&s, "ardenia", "mfa"),
        Action::ContactMessage {
            to: state(&s, "borovia"),
            level: Level::Policy,
            text: "Ms Kowalska asks for joint analysis; Ian agrees. Иванов тоже.".into(),
        },
    );
    control(
        &mut g,
        Command::Annotate {
            text: "zofia and Mr Smith led; Eva evaluated; Ana's analysis helped".into(),
        },
    );
    resolve(&mut g);
    batch::play_rounds(&mut g, Policy::Cooperative);
    let doc = report::build(
        &s,
        11,
        g.events(),
        &Options {
            anonymise: true,
            ..Options::default()
        },
    );
    let (md, _) = markdown::render(&doc);
    let words: Vec<String> = md
        .split(|c: char| !c.is_alphanumeric())
        .map(|w| w.to_lowercase())
        .collect();
    for part in [
        "zofia",
        "kowalska",
        "ana",
        "eva",
        "lind",
        "ian",
        "smith",
        "пётр",
        "иванов",
    ] {
        assert!(
            !words.iter().any(|w| w == part),
            "{part} is still in the report"
        );
    }
    assert!(
        md.contains("joint analysis"),
        "an ordinary word was redacted"
    );
    assert!(md.contains("evaluated"));
    assert!(report::html::render(&doc).contains("[participant]"));
}

// ---- writing files --------------------------------------------------------------------

const CHILD: &str = "CBM_TTX_WRITE_UNDER_LIMIT";

/// Run by [`a_failed_write_leaves_the_previous_files_whole`] in a child process whose
/// file-size limit makes every write of the report fail part-way.
#[test]
#[ignore = "run by a_failed_write_leaves_the_previous_files_whole"]
fn child_writes_a_report_under_a_file_size_limit() {
    let Ok(dir) = std::env::var(CHILD) else {
        return;
    };
    let s = tutorial();
    let g = cbm_ttx_core::sim::play(s.clone(), 2, Policy::Hawkish);
    let r = report::write(
        &s,
        2,
        g.events(),
        std::path::Path::new(&dir),
        &Options::default(),
    );
    assert!(r.is_err(), "the write should have failed under the limit");
}

#[cfg(unix)]
#[test]
fn a_failed_write_leaves_the_previous_files_whole() {
    let dir = tempfile::tempdir().unwrap();
    let s = tutorial();
    let g = cbm_ttx_core::sim::play(s.clone(), 1, Policy::Cooperative);
    let written = report::write(&s, 1, g.events(), dir.path(), &Options::default()).unwrap();
    assert_eq!(written.len(), 3);
    let snapshot = |d: &std::path::Path| {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| {
                let p = e.unwrap().path();
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    };
    let before = snapshot(dir.path());
    assert!(before.iter().all(|(_, b)| b.len() > 2048));
    // A 2 KiB file-size limit (SIGXFSZ ignored, so writes fail with EFBIG).
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 4; exec \"$0\" \"$@\"")
        .arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "outputs::child_writes_a_report_under_a_file_size_limit",
            "--include-ignored",
            "--test-threads=1",
        ])
        .env(CHILD, dir.path())
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "the child test failed: {}\n{}",
        String::from_utf8_lossy(&status.stdout),
        String::from_utf8_lossy(&status.stderr)
    );
    let after = snapshot(dir.path());
    let names = |v: &[(String, Vec<u8>)]| {
        v.iter()
            .map(|(n, b)| (n.clone(), b.len()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&after),
        names(&before),
        "files were cut short or left behind"
    );
    assert!(after == before, "a file changed although its write failed");
}

// ---- what was said, and what became of it --------------------------------------------

#[test]
fn the_report_tells_the_messages_and_their_fate_in_words() {
    let s = cascade();
    let mut g = deliberating(&s, 5);
    let ar = Seat::State(state(&s, "ardenia"));
    let (bo, co) = (state(&s, "borovia"), state(&s, "corvinia"));
    submit(
        &mut g,
        ar,
        body(&s, "ardenia", "mfa"),
        Action::ContactMessage {
            to: co,
            level: Level::Policy,
            text: "Corvinia, can your ministry confirm the blackout timeline?".into(),
        },
    );
    submit(
        &mut g,
        ar,
        body(&s, "ardenia", "mfa"),
        Action::RaiseConcern {
            to: bo,
            incident: None,
            text: "We are concerned about traffic from Borovian address space.".into(),
        },
    );
    submit(
        &mut g,
        ar,
        body(&s, "ardenia", "cert"),
        Action::ContactMessage {
            to: bo,
            level: Level::Technical,
            text: "Please send us your netflow for 06:00-07:00.".into(),
        },
    );
    resolve(&mut g);
    next_round(&mut g);
    let concern = g
        .events()
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::MessageSent { id, message }
                if message.to == bo && message.level == Level::Policy =>
            {
                Some(*id)
            }
            _ => None,
        })
        .unwrap();
    submit(
        &mut g,
        Seat::State(bo),
        body(&s, "borovia", "mfa"),
        Action::Respond {
            message: concern,
            text: "We are looking into it and will share what we find.".into(),
        },
    );
    resolve(&mut g);
    control(&mut g, Command::End);
    let doc = report::build(&s, 5, g.events(), &Options::default());
    let (md, _) = markdown::render(&doc);
    let html = report::html::render(&doc);
    assert!(
        doc.blocks
            .iter()
            .any(|b| matches!(b, Block::Heading(2, t) if t == "Messages between States")),
        "no message log"
    );
    for said in [
        "Corvinia, can your ministry confirm the blackout timeline?",
        "We are concerned about traffic from Borovian address space.",
        "Please send us your netflow for 06:00-07:00.",
        "We are looking into it and will share what we find.",
    ] {
        assert!(md.contains(said), "report.md lacks {said:?}");
        assert!(html.contains(said), "report.html lacks {said:?}");
    }
    // The lost message names the entry and why; the concern says who answered when.
    let log = message_log(&doc);
    let lost = log
        .iter()
        .find(|r| r.iter().any(|c| c.contains("blackout timeline")))
        .unwrap();
    let fate = lost.last().unwrap();
    assert!(
        fate.contains("lost")
            && fate.contains("Head of Security Policy (vacant)")
            && fate.contains("wrong"),
        "{fate}"
    );
    let concern_row = log
        .iter()
        .find(|r| r.iter().any(|c| c.contains("Borovian address space")))
        .unwrap();
    let fate = concern_row.last().unwrap();
    assert!(
        fate.contains("answered") && fate.contains("round 2"),
        "{fate}"
    );
    let tech = log
        .iter()
        .find(|r| r.iter().any(|c| c.contains("netflow")))
        .unwrap();
    let fate = tech.last().unwrap();
    assert!(
        (fate.contains("delivered") && fate.contains("on time"))
            || (fate.contains("late") && fate.contains("stale") && fate.contains("26 months")),
        "{fate}"
    );
    // No bare event numbers for readers.
    let bare = md
        .char_indices()
        .filter(|(i, c)| *c == '#' && md[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
        .count();
    assert_eq!(bare, 0, "event numbers such as #22 in the report:\n{md}");
}

fn message_log(doc: &Doc) -> Vec<Vec<String>> {
    let at = doc
        .blocks
        .iter()
        .position(|b| matches!(b, Block::Heading(2, t) if t == "Messages between States"))
        .unwrap();
    doc.blocks[at..]
        .iter()
        .find_map(|b| match b {
            Block::Table { rows, .. } => Some(rows.clone()),
            _ => None,
        })
        .unwrap()
}

#[test]
fn no_report_shows_bare_event_numbers() {
    let s = cascade();
    for (seed, policy) in [
        (1, Policy::Random),
        (2, Policy::Hawkish),
        (3, Policy::Cooperative),
    ] {
        let g = cbm_ttx_core::sim::play(s.clone(), seed, policy);
        let doc = report::build(&s, seed, g.events(), &Options::default());
        let (md, _) = markdown::render(&doc);
        let bare: Vec<&str> = md
            .lines()
            .filter(|l| {
                l.char_indices()
                    .any(|(i, c)| c == '#' && l[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
            })
            .collect();
        assert!(
            bare.is_empty(),
            "{policy:?}: event numbers in\n{}",
            bare.join("\n")
        );
    }
}
