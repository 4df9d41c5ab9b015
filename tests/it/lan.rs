//! LAN play in one process: a host app and client apps connected by replicon's test
//! transport. Claims, reconnects, forged and malformed messages, and what each
//! client gets to see.

use std::path::Path;

use bevy::prelude::*;
use bevy::state::app::StatesPlugin;
use bevy_replicon::prelude::*;
use bevy_replicon::test_app::ServerTestAppExt;

use cbm_ttx::exercise::{Exercise, ExercisePlugin};
use cbm_ttx::net::client::{BotOutcome, LanClient, LanClientPlugin, Status};
use cbm_ttx::net::director::{Director, DirectorPlugin};
use cbm_ttx::net::host::{LanHost, LanHostPlugin};
use cbm_ttx::net::seats::SeatRegistry;
use cbm_ttx::net::{ClientMsg, NetProtocolPlugin};
use cbm_ttx_core::engine::{Action, Command, EventKind, Phase, Seat};
use cbm_ttx_core::scenario::Scenario;
use cbm_ttx_core::session::{Recording, Session};
use cbm_ttx_core::sim::Policy;

use crate::common::*;

const CODE: &str = "ROOM42";

fn base() -> App {
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins,
        StatesPlugin,
        RepliconPlugins.set(ServerPlugin::new(PostUpdate)),
        NetProtocolPlugin,
        ExercisePlugin,
    ));
    app
}

fn host(scenario: std::sync::Arc<Scenario>, journal: &Path, players: usize) -> App {
    let mut app = base();
    app.add_plugins((LanHostPlugin, DirectorPlugin));
    let rec = Recording {
        path: Some(journal.to_owned()),
        ..Default::default()
    };
    let mut session = Session::start(scenario, None, 7, rec).unwrap();
    session.set_round_seconds(0).unwrap();
    app.insert_resource(Exercise::new(session))
        .insert_resource(LanHost::new(0))
        .insert_resource(SeatRegistry::new(Some(CODE.into()), Some(journal)).unwrap())
        .insert_resource(Director::new(players));
    app.finish();
    app
}

fn client(code: &str, seat: Option<&str>, bot: Option<Policy>) -> App {
    let mut app = base();
    app.add_plugins(LanClientPlugin)
        .insert_resource(LanClient::new(
            None,
            code.into(),
            "Tester".into(),
            seat.map(String::from),
            bot,
        ));
    app.finish();
    app
}

/// Let messages flow both ways for a number of frames.
fn pump(host: &mut App, clients: &mut [&mut App], frames: usize) {
    for _ in 0..frames {
        for c in clients.iter_mut() {
            c.update();
            host.exchange_with_client(c);
        }
        host.update();
        for c in clients.iter_mut() {
            host.exchange_with_client(c);
            c.update();
        }
    }
}

fn lan(app: &App) -> &LanClient {
    app.world().resource::<LanClient>()
}

fn stats(host: &App) -> cbm_ttx::net::host::Stats {
    host.world().resource::<LanHost>().stats
}

fn session(host: &App) -> &Session {
    &host.world().resource::<Exercise>().session
}

fn act(client: &mut App, cmd: Command) {
    client.world_mut().write_message(ClientMsg::Act { cmd });
}

#[test]
fn the_join_code_is_required_and_a_wrong_one_gets_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = host(tutorial(), &dir.path().join("j.jsonl"), 1);
    let mut wrong = client("NOPE00", Some("lakeland"), None);
    h.connect_client(&mut wrong);
    pump(&mut h, &mut [&mut wrong], 5);
    assert!(
        matches!(&lan(&wrong).status, Status::Denied(r) if r.contains("wrong join code")),
        "{:?}",
        lan(&wrong).status
    );
    assert!(lan(&wrong).view.is_none() && lan(&wrong).received == 0);
    assert_eq!(stats(&h).denied, 1);
    // Whatever it sends now is counted and ignored.
    act(&mut wrong, Command::Ready);
    pump(&mut h, &mut [&mut wrong], 2);
    assert_eq!(stats(&h).unauthorized, 1);
    assert!(session(&h).situation().seats().is_empty());
}

#[test]
fn a_seat_is_claimed_once_and_the_second_claimant_picks_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = host(tutorial(), &dir.path().join("j.jsonl"), 9);
    let mut a = client(CODE, Some("lakeland"), None);
    let mut b = client(CODE, Some("lakeland"), None);
    h.connect_client(&mut a);
    pump(&mut h, &mut [&mut a], 4);
    assert_eq!(lan(&a).status, Status::Seated);
    h.connect_client(&mut b);
    pump(&mut h, &mut [&mut a, &mut b], 4);
    match &lan(&b).status {
        Status::Choosing { seats, reason, .. } => {
            assert!(reason.as_deref().unwrap().contains("taken"));
            assert!(seats.iter().any(|s| s.key == "lakeland" && s.taken));
            assert!(seats.iter().any(|s| s.key == "hillmark" && !s.taken));
        }
        other => panic!("expected the seat list, got {other:?}"),
    }
    b.world_mut()
        .resource_mut::<LanClient>()
        .claim("hillmark".into());
    pump(&mut h, &mut [&mut a, &mut b], 4);
    assert_eq!(
        lan(&b).seat.map(|s| s.key(&tutorial())),
        Some("hillmark".to_owned())
    );
    // Both claims are in the journal.
    let seats = session(&h).situation().seats();
    assert_eq!(seats.len(), 2);
}

#[test]
fn forged_and_control_commands_are_refused_by_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    let s = tutorial();
    let mut h = host(s.clone(), &dir.path().join("j.jsonl"), 1);
    let mut a = client(CODE, Some("lakeland"), None);
    h.connect_client(&mut a);
    pump(&mut h, &mut [&mut a], 6);
    assert_eq!(
        session(&h).situation().phase(),
        Phase::Deliberation,
        "the director started once one seat was claimed"
    );
    let before = session(&h).events().len();
    // Acting for another State's body.
    act(
        &mut a,
        Command::Submit {
            actor: body(&s, "hillmark", "mfa"),
            action: Action::UpdateContacts,
        },
    );
    // Running the exercise.
    act(&mut a, Command::CloseDeliberation);
    pump(&mut h, &mut [&mut a], 3);
    assert_eq!(stats(&h).refused, 2);
    assert_eq!(session(&h).events().len(), before);
    assert!(lan(&a).refused.is_some());
    // A proper command goes through and comes back as an event the seat sees.
    act(
        &mut a,
        Command::Submit {
            actor: body(&s, "lakeland", "mfa"),
            action: Action::UpdateContacts,
        },
    );
    pump(&mut h, &mut [&mut a], 3);
    assert!(lan(&a).view.as_ref().unwrap().staged.len() == 1);
}

#[test]
fn malformed_oversized_and_flooding_messages_are_dropped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = host(tutorial(), &dir.path().join("j.jsonl"), 9);
    let mut a = client(CODE, Some("lakeland"), None);
    h.connect_client(&mut a);
    pump(&mut h, &mut [&mut a], 4);
    let channel = a
        .world()
        .resource::<RepliconChannels>()
        .client_channels()
        .len()
        - 1;
    {
        let mut out = a.world_mut().resource_mut::<ClientMessages>();
        out.send(channel, vec![0xff, 0xff, 0xff, 0x01, 0x02]);
        out.send(channel, vec![7u8; 3]);
        let mut big = vec![0x80, 0x80, 0x08];
        big.extend(std::iter::repeat_n(b'x', 200_000));
        out.send(channel, big);
    }
    pump(&mut h, &mut [&mut a], 2);
    let st = stats(&h);
    assert_eq!(st.malformed + st.oversized, 3, "{st:?}");
    assert!(st.oversized >= 1, "{st:?}");
    for _ in 0..300 {
        act(&mut a, Command::Ready);
    }
    pump(&mut h, &mut [&mut a], 2);
    assert!(stats(&h).flooded >= 200, "{:?}", stats(&h));
    // The host is fine and the seat still works.
    assert_eq!(lan(&a).status, Status::Seated);
}

#[test]
fn each_client_sees_only_its_audience_across_a_whole_exercise() {
    let dir = tempfile::tempdir().unwrap();
    let s = cascade();
    let mut h = host(s.clone(), &dir.path().join("j.jsonl"), 6);
    let seats = [
        "ardenia",
        "borovia",
        "corvinia",
        "dalmora/cert",
        "dalmora/mfa",
        "eskeland",
    ];
    let mut clients: Vec<App> = seats
        .iter()
        .map(|k| client(CODE, Some(k), Some(Policy::Cooperative)))
        .collect();
    for c in clients.iter_mut() {
        h.connect_client(c);
    }
    let mut refs: Vec<&mut App> = clients.iter_mut().collect();
    pump(&mut h, &mut refs, 120);
    assert_eq!(
        session(&h).situation().phase(),
        Phase::Ended,
        "bots play to the end"
    );
    let truth = session(&h).events().to_vec();
    let state = session(&h).situation().clone();
    for (c, key) in clients.iter().zip(seats) {
        let seat = Seat::parse(key, &s).unwrap();
        assert!(c.world().get_resource::<BotOutcome>() == Some(&BotOutcome::Finished));
        let l = lan(c);
        let view = l.view.as_ref().unwrap();
        // Everything received was addressed to this seat, and nothing addressed to it is missing.
        assert!(
            view.events.iter().all(|e| e.audience.includes(seat)),
            "{key}"
        );
        let expected: Vec<_> = truth
            .iter()
            .filter(|e| e.audience.includes(seat))
            .cloned()
            .collect();
        assert_eq!(view.events, expected, "{key}");
        // It holds exactly the fact texts its seat learned.
        for (i, f) in s.facts.iter().enumerate() {
            let fid = cbm_ttx_core::scenario::FactId(i as u16);
            let seat_knows = match seat {
                Seat::Body(b) => state.knows(b, fid),
                Seat::State(st) => state.state_knows(&s, st, fid),
                _ => unreachable!(),
            };
            assert_eq!(view.fact(fid).is_some(), seat_knows, "{key}: fact {}", f.id);
        }
        // The client's view is the host's view of that seat, exactly.
        assert_eq!(view, &session(&h).game().view(seat), "{key}");
        // Nothing private in the scenario it holds.
        let held = view.scenario();
        assert!(held.incidents.is_empty() && held.facts.is_empty() && held.injects.is_empty());
        assert!(held.objectives.is_empty() && held.seed == 0);
    }
}

#[test]
fn a_dropped_client_gets_its_seat_and_its_whole_view_back_with_its_token() {
    let dir = tempfile::tempdir().unwrap();
    let s = tutorial();
    let mut h = host(s.clone(), &dir.path().join("j.jsonl"), 2);
    let mut a = client(CODE, Some("lakeland"), None);
    let mut b = client(CODE, Some("hillmark"), None);
    h.connect_client(&mut a);
    h.connect_client(&mut b);
    pump(&mut h, &mut [&mut a, &mut b], 6);
    act(
        &mut a,
        Command::Submit {
            actor: body(&s, "lakeland", "mfa"),
            action: Action::UpdateContacts,
        },
    );
    pump(&mut h, &mut [&mut a, &mut b], 3);
    let token = lan(&a).token.clone().unwrap();
    let before = lan(&a).view.clone().unwrap();
    h.disconnect_client(&mut a);
    // Wi-Fi is back (or the laptop restarted): a new client with the token only.
    let mut again = client(CODE, None, None);
    again.world_mut().resource_mut::<LanClient>().token = Some(token);
    h.connect_client(&mut again);
    pump(&mut h, &mut [&mut again, &mut b], 6);
    assert_eq!(lan(&again).status, Status::Seated);
    assert_eq!(lan(&again).seat, Some(Seat::State(state(&s, "lakeland"))));
    assert_eq!(lan(&again).view.as_ref().unwrap(), &before);
    // Nobody else can take the seat meanwhile.
    let mut thief = client(CODE, Some("lakeland"), None);
    h.connect_client(&mut thief);
    pump(&mut h, &mut [&mut again, &mut b, &mut thief], 3);
    assert!(matches!(lan(&thief).status, Status::Choosing { .. }));
}

#[test]
fn control_can_free_a_seat_for_someone_else() {
    let dir = tempfile::tempdir().unwrap();
    let s = tutorial();
    let mut h = host(s.clone(), &dir.path().join("j.jsonl"), 9);
    let mut a = client(CODE, Some("lakeland"), None);
    h.connect_client(&mut a);
    pump(&mut h, &mut [&mut a], 4);
    let seat = Seat::State(state(&s, "lakeland"));
    h.world_mut()
        .resource_mut::<Exercise>()
        .session
        .command(Seat::Control, Command::FreeSeat { seat })
        .unwrap();
    pump(&mut h, &mut [&mut a], 3);
    assert!(
        matches!(&lan(&a).status, Status::Choosing { reason: Some(r), .. } if r.contains("freed"))
    );
    let mut b = client(CODE, Some("lakeland"), None);
    h.connect_client(&mut b);
    pump(&mut h, &mut [&mut a, &mut b], 4);
    assert_eq!(lan(&b).status, Status::Seated);
}

#[test]
fn a_restarted_host_resumes_and_clients_reconnect_to_the_same_state() {
    let dir = tempfile::tempdir().unwrap();
    let s = tutorial();
    let journal = dir.path().join("j.jsonl");
    let (token, view) = {
        let mut h = host(s.clone(), &journal, 1);
        let mut a = client(CODE, Some("lakeland"), None);
        h.connect_client(&mut a);
        pump(&mut h, &mut [&mut a], 6);
        act(
            &mut a,
            Command::Submit {
                actor: body(&s, "lakeland", "cert"),
                action: Action::Pass,
            },
        );
        pump(&mut h, &mut [&mut a], 3);
        (
            lan(&a).token.clone().unwrap(),
            lan(&a).view.clone().unwrap(),
        )
        // The host process dies here.
    };
    let loaded = cbm_ttx_core::journal::read(&journal).unwrap();
    let mut h = base();
    h.add_plugins(LanHostPlugin);
    h.insert_resource(Exercise::new(
        Session::resume(&loaded, s.clone(), None).unwrap(),
    ))
    .insert_resource(LanHost::new(0))
    .insert_resource(SeatRegistry::resume(&journal).unwrap());
    h.finish();
    assert_eq!(
        h.world().resource::<SeatRegistry>().code,
        CODE,
        "same code after the restart"
    );
    let mut a = client(CODE, None, None);
    a.world_mut().resource_mut::<LanClient>().token = Some(token);
    h.connect_client(&mut a);
    pump(&mut h, &mut [&mut a], 6);
    assert_eq!(lan(&a).status, Status::Seated);
    assert_eq!(lan(&a).view.as_ref().unwrap(), &view);
    assert!(
        lan(&a)
            .view
            .as_ref()
            .unwrap()
            .events
            .iter()
            .any(|e| matches!(e.kind, EventKind::ActionSubmitted { .. }))
    );
}

mod processes {
    //! The real thing on loopback: `host --headless` and `join --bot` processes.

    use std::io::Read;
    use std::process::{Child, Command, Stdio};
    use std::time::{Duration, Instant};

    fn exe() -> &'static str {
        env!("CARGO_BIN_EXE_cbm-ttx")
    }

    fn free_port() -> u16 {
        std::net::UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    fn wait(mut child: Child, secs: u64) -> (i32, String, String) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                let mut out = String::new();
                let mut err = String::new();
                child
                    .stdout
                    .take()
                    .unwrap()
                    .read_to_string(&mut out)
                    .unwrap();
                child
                    .stderr
                    .take()
                    .unwrap()
                    .read_to_string(&mut err)
                    .unwrap();
                return (status.code().unwrap_or(-1), out, err);
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("process did not finish in {secs} s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn spawn(args: &[&str], data: &std::path::Path) -> Child {
        Command::new(exe())
            .args(args)
            .env("CBM_TTX_DATA_DIR", data)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    #[test]
    fn headless_host_and_bot_clients_play_the_tutorial_to_the_end() {
        let data = tempfile::tempdir().unwrap();
        let port = free_port().to_string();
        let addr = format!("127.0.0.1:{port}");
        let host = spawn(
            &[
                "host",
                "scenarios/tutorial.ron",
                "--headless",
                "--players",
                "2",
                "--code",
                "LOOP01",
                "--port",
                &port,
            ],
            data.path(),
        );
        std::thread::sleep(Duration::from_millis(300));
        let wrong = spawn(
            &["join", &addr, "--code", "WRONG1", "--bot", "random"],
            data.path(),
        );
        let a = spawn(
            &[
                "join",
                &addr,
                "--code",
                "loop01",
                "--bot",
                "cooperative",
                "--seat",
                "lakeland",
            ],
            data.path(),
        );
        let b = spawn(
            &["join", &addr, "--code", "LOOP01", "--bot", "hawkish"],
            data.path(),
        );
        let (code, _, err) = wait(wrong, 30);
        assert_ne!(code, 0);
        assert!(err.contains("wrong join code"), "{err}");
        let (ca, oa, ea) = wait(a, 60);
        let (cb, ob, eb) = wait(b, 60);
        assert_eq!(ca, 0, "{oa}{ea}");
        assert_eq!(cb, 0, "{ob}{eb}");
        assert!(
            oa.contains("lakeland: the exercise ended") && ob.contains(": the exercise ended"),
            "{oa}{ob}"
        );
        let (ch, oh, eh) = wait(host, 30);
        assert_eq!(ch, 0, "{oh}{eh}");
        let journal = oh
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix("journal: "))
            .expect("journal path printed");
        let loaded = cbm_ttx_core::journal::read(std::path::Path::new(journal)).unwrap();
        let events = loaded.events();
        assert!(
            events
                .iter()
                .any(|e| matches!(e.kind, cbm_ttx_core::engine::EventKind::ExerciseEnded))
        );
        let seats = events
            .iter()
            .filter(|e| matches!(e.kind, cbm_ttx_core::engine::EventKind::SeatTaken { .. }))
            .count();
        assert_eq!(seats, 2);
        assert!(events.iter().any(|e| matches!(
            e.kind,
            cbm_ttx_core::engine::EventKind::ActionResolved { .. }
        )));
    }

    #[test]
    fn an_unreachable_host_is_a_clear_failure() {
        let data = tempfile::tempdir().unwrap();
        let port = free_port().to_string();
        let c = spawn(
            &[
                "join",
                &format!("127.0.0.1:{port}"),
                "--code",
                "ABCDEF",
                "--bot",
                "silent",
            ],
            data.path(),
        );
        let (code, _, err) = wait(c, 30);
        assert_ne!(code, 0);
        assert!(err.contains("cannot reach the host"), "{err}");
    }
}
