//! LAN play in one process: a host app and client apps connected by replicon's test
//! transport. Claims, reconnects, forged and malformed messages, and what each
//! client gets to see.

use std::path::Path;

use bevy::prelude::*;
use bevy::state::app::StatesPlugin;
use bevy_replicon::prelude::*;
use bevy_replicon::test_app::ServerTestAppExt;

use bevy_replicon::prelude::DisconnectRequest;
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

/// Let messages flow, one client at a time: the host takes each client's messages in
/// a frame of their own, in the order of `clients`, and every deliberation is first
/// seen by the first client (so the States act in order, as `simulate` plays them).
fn pump_in_turn(host: &mut App, clients: &mut [&mut App], frames: usize) {
    let deliberating = |h: &App| session(h).situation().phase() == Phase::Deliberation;
    for _ in 0..frames {
        host.update();
        let before = deliberating(host);
        for c in clients.iter_mut() {
            host.exchange_with_client(c);
            c.update();
            host.exchange_with_client(c);
            host.update();
            if deliberating(host) && !before {
                break;
            }
        }
    }
}

/// Every message a client received, as JSON (what crossed the network to it).
#[derive(Resource, Default)]
struct Received(Vec<String>);

fn record(mut inbox: MessageReader<cbm_ttx::net::ServerMsg>, mut log: ResMut<Received>) {
    for m in inbox.read() {
        log.0.push(serde_json::to_string(m).unwrap());
    }
}

fn recording(mut app: App) -> App {
    app.init_resource::<Received>().add_systems(
        PreUpdate,
        record.after(bevy_replicon::client::ClientSystems::Receive),
    );
    app
}

/// Clients the host asked its transport to disconnect.
#[derive(Resource, Default)]
struct Kicked(Vec<Entity>);

fn watch_kicks(mut kicks: MessageReader<DisconnectRequest>, mut log: ResMut<Kicked>) {
    log.0.extend(kicks.read().map(|k| k.client));
}

/// Note which clients the host disconnects (and disconnect them without delay).
fn watching_kicks(mut host: App) -> App {
    host.init_resource::<Kicked>()
        .add_systems(Last, watch_kicks);
    host.world_mut().resource_mut::<LanHost>().kick_after = 0.0;
    host
}

/// Did the host disconnect this client (after telling it why)?
fn kicked(host: &mut App, client: &App) -> bool {
    for _ in 0..3 {
        host.update();
    }
    let id = **client
        .world()
        .resource::<bevy_replicon::test_app::TestClientEntity>();
    host.world().resource::<Kicked>().0.contains(&id)
}

#[test]
fn the_control_key_opens_the_console_and_a_wrong_one_is_turned_away() {
    let dir = tempfile::tempdir().unwrap();
    let s = tutorial();
    let mut h = watching_kicks(host(s.clone(), &dir.path().join("j.jsonl"), 9));
    let key = h.world().resource::<SeatRegistry>().control_key.clone();
    let mut wrong = client(CODE, None, None);
    wrong.world_mut().resource_mut::<LanClient>().control_key = Some("not-the-key".into());
    h.connect_client(&mut wrong);
    pump(&mut h, &mut [&mut wrong], 4);
    assert!(matches!(&lan(&wrong).status, Status::Denied(r) if r.contains("wrong control key")));
    assert!(kicked(&mut h, &wrong), "a refused client is disconnected");
    let mut a = client(CODE, Some("lakeland"), None);
    let mut control = client(CODE, None, None);
    control.world_mut().resource_mut::<LanClient>().control_key = Some(key);
    h.connect_client(&mut a);
    h.connect_client(&mut control);
    pump(&mut h, &mut [&mut a, &mut control], 4);
    assert_eq!(lan(&control).seat, Some(Seat::Control));
    // Control holds the whole scenario and may run the exercise.
    assert!(
        !lan(&control)
            .view
            .as_ref()
            .unwrap()
            .scenario()
            .facts
            .is_empty()
    );
    let lakeland = Seat::State(state(&s, "lakeland"));
    act(&mut control, Command::FreeSeat { seat: lakeland });
    pump(&mut h, &mut [&mut a, &mut control], 4);
    assert!(
        matches!(&lan(&a).status, Status::Choosing { reason: Some(r), .. } if r.contains("freed"))
    );
    // A participant cannot.
    let mut b = client(CODE, Some("hillmark"), None);
    h.connect_client(&mut b);
    pump(&mut h, &mut [&mut b], 4);
    let hillmark = Seat::State(state(&s, "hillmark"));
    act(&mut b, Command::FreeSeat { seat: hillmark });
    pump(&mut h, &mut [&mut b], 3);
    assert!(lan(&b).refused.is_some());
    assert!(session(&h).situation().seats().contains_key(&hillmark));
}

#[test]
fn a_state_and_its_bodies_are_never_held_by_two_clients() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = host(cascade(), &dir.path().join("j.jsonl"), 9);
    let mut whole = client(CODE, Some("ardenia"), None);
    let mut cert = client(CODE, Some("ardenia/cert"), None);
    let mut borovia_cert = client(CODE, Some("borovia/cert"), None);
    let mut borovia = client(CODE, Some("borovia"), None);
    for c in [&mut whole, &mut cert, &mut borovia_cert, &mut borovia] {
        h.connect_client(c);
    }
    pump(
        &mut h,
        &mut [&mut whole, &mut cert, &mut borovia_cert, &mut borovia],
        6,
    );
    assert_eq!(lan(&whole).status, Status::Seated);
    assert!(
        matches!(&lan(&cert).status, Status::Choosing { reason: Some(r), .. } if r.contains("cannot be taken while"))
    );
    assert_eq!(lan(&borovia_cert).status, Status::Seated);
    assert!(
        matches!(&lan(&borovia).status, Status::Choosing { seats, .. }
        if seats.iter().any(|s| s.key == "borovia" && s.taken))
    );
    assert_eq!(session(&h).situation().seats().len(), 2);
}

#[test]
fn a_seated_client_cannot_take_a_second_seat_and_a_repeated_hello_claims_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = host(tutorial(), &dir.path().join("j.jsonl"), 9);
    let mut a = client(CODE, Some("lakeland"), None);
    h.connect_client(&mut a);
    // The answer is slow: the client says hello twice before it comes.
    a.update();
    let again = cbm_ttx::net::ClientMsg::Hello {
        protocol: cbm_ttx::net::protocol::PROTOCOL_VERSION,
        code: CODE.into(),
        name: "Tester".into(),
        seat: Some("lakeland".into()),
        token: None,
        control_key: None,
    };
    a.world_mut().write_message(again.clone());
    pump(&mut h, &mut [&mut a], 4);
    assert_eq!(lan(&a).status, Status::Seated);
    assert_eq!(
        session(&h).situation().seats().len(),
        1,
        "one seat, not two"
    );
    let token = lan(&a).token.clone();
    // Asking for another seat while holding one is refused; the first stays.
    let mut other = again;
    if let cbm_ttx::net::ClientMsg::Hello { seat, .. } = &mut other {
        *seat = Some("hillmark".into());
    }
    a.world_mut().write_message(other);
    pump(&mut h, &mut [&mut a], 4);
    assert_eq!(session(&h).situation().seats().len(), 1);
    let seats = h.world().resource::<SeatRegistry>().seated();
    assert_eq!(seats, vec![("lakeland".to_owned(), true)]);
    assert_eq!(lan(&a).token, token);
}

#[test]
fn junk_is_counted_refused_clients_are_dropped_and_throttled_ones_are_told() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = watching_kicks(host(tutorial(), &dir.path().join("j.jsonl"), 9));
    let mut wrong = client("NOPE00", Some("lakeland"), None);
    let mut a = client(CODE, Some("lakeland"), None);
    h.connect_client(&mut wrong);
    h.connect_client(&mut a);
    pump(&mut h, &mut [&mut wrong, &mut a], 4);
    assert!(
        matches!(&lan(&wrong).status, Status::Denied(_)),
        "told why first"
    );
    assert!(kicked(&mut h, &wrong));
    for _ in 0..300 {
        act(&mut a, Command::Ready);
    }
    pump(&mut h, &mut [&mut a], 2);
    assert!(stats(&h).flooded >= 200);
    assert!(
        lan(&a)
            .refused
            .as_deref()
            .is_some_and(|r| r.contains("too many messages")),
        "{:?}",
        lan(&a).refused
    );
    assert_eq!(
        lan(&a).status,
        Status::Seated,
        "a throttled client keeps its seat"
    );
}

#[test]
fn a_damaged_side_file_stops_a_resume_instead_of_changing_the_code() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    drop(host(tutorial(), &journal, 9));
    let side = cbm_ttx::net::seats::side_file(&journal);
    let good = std::fs::read(&side).unwrap();
    assert!(SeatRegistry::resume(&journal).is_ok());
    for damaged in [&good[..good.len() / 2], b"", b"{\"code\": \"\"}"] {
        std::fs::write(&side, damaged).unwrap();
        let err = SeatRegistry::resume(&journal).unwrap_err().to_string();
        assert!(
            err.contains(".host.json") && err.contains("cannot be read"),
            "{err}"
        );
    }
    std::fs::remove_file(&side).unwrap();
    assert!(SeatRegistry::resume(&journal).is_err());
}

#[test]
fn a_resumed_host_waits_for_its_participants_and_they_get_the_end() {
    use cbm_ttx::net::seats::{Answer, Conn, Hello};
    let dir = tempfile::tempdir().unwrap();
    let s = tutorial();
    let journal = dir.path().join("j.jsonl");
    // An exercise at the debrief of its last round, two seats with tokens.
    let tokens: Vec<String> = {
        let rec = Recording {
            path: Some(journal.clone()),
            ..Default::default()
        };
        let mut session = Session::start(s.clone(), None, 3, rec).unwrap();
        let mut seats = SeatRegistry::new(Some(CODE.into()), Some(&journal)).unwrap();
        let mut tokens = Vec::new();
        for (n, key) in ["lakeland", "hillmark"].into_iter().enumerate() {
            let hello = Hello {
                code: CODE,
                name: "Team",
                seat: Some(key),
                ..Default::default()
            };
            match seats.hello(Conn::Web(n as u64), hello, &mut session) {
                Answer::Seated { token, .. } => tokens.push(token),
                other => panic!("{other:?}"),
            }
        }
        session.command(Seat::Control, Command::Start).unwrap();
        cbm_ttx_core::sim::batch::play_rounds_until(&mut session, Policy::Cooperative, 2);
        session
            .command(Seat::Control, Command::CloseDeliberation)
            .unwrap();
        assert_eq!(session.situation().phase(), Phase::Debrief);
        tokens
        // The host dies here.
    };
    let loaded = cbm_ttx_core::journal::read(&journal).unwrap();
    let mut h = base();
    h.add_plugins((LanHostPlugin, DirectorPlugin));
    let mut director = Director::new(2);
    director.rejoin = std::time::Duration::from_secs(60);
    h.insert_resource(Exercise::new(
        Session::resume(&loaded, s.clone(), None).unwrap(),
    ))
    .insert_resource(LanHost::new(0))
    .insert_resource(SeatRegistry::resume(&journal).unwrap())
    .insert_resource(director);
    h.finish();
    for _ in 0..30 {
        h.update();
    }
    assert_eq!(
        session(&h).situation().phase(),
        Phase::Debrief,
        "no end while nobody is back"
    );
    let mut clients: Vec<App> = tokens
        .iter()
        .map(|t| {
            let mut c = client(CODE, None, Some(Policy::Cooperative));
            c.world_mut().resource_mut::<LanClient>().token = Some(t.clone());
            c
        })
        .collect();
    h.connect_client(&mut clients[0]);
    {
        let mut refs: Vec<&mut App> = clients.iter_mut().take(1).collect();
        pump(&mut h, &mut refs, 10);
    }
    assert_eq!(
        session(&h).situation().phase(),
        Phase::Debrief,
        "one is still away"
    );
    h.connect_client(&mut clients[1]);
    let mut refs: Vec<&mut App> = clients.iter_mut().collect();
    pump(&mut h, &mut refs, 20);
    assert_eq!(session(&h).situation().phase(), Phase::Ended);
    for c in &clients {
        assert_eq!(
            lan(c).view.as_ref().unwrap().phase,
            Phase::Ended,
            "it got the end"
        );
        assert_eq!(
            c.world().get_resource::<BotOutcome>(),
            Some(&BotOutcome::Finished)
        );
    }
}

/// Five bot clients over the network make exactly the choices the same bots make in
/// `simulate`: they decide from the same seat views, with the same seeds.
#[test]
fn bots_decide_the_same_over_the_network_as_in_simulate() {
    // Both turn orders: in Sequential order a client's bot must know whose turn it is.
    for (s, policy) in [
        (cascade(), Policy::Cooperative),
        (cascade(), Policy::Random),
        (cascade(), Policy::Hawkish),
        (sequential(CASCADE), Policy::Cooperative),
        (sequential(CASCADE), Policy::Random),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut h = host(s.clone(), &dir.path().join("j.jsonl"), 5);
        let keys: Vec<String> = s.state_ids().map(|st| Seat::State(st).key(&s)).collect();
        let mut clients: Vec<App> = keys
            .iter()
            .map(|k| client(CODE, Some(k), Some(policy)))
            .collect();
        // Claims in State order, one per frame, as simulate seats them; each State's
        // actions reach the host in State order too, as simulate stages them.
        for c in clients.iter_mut() {
            h.connect_client(c);
        }
        let mut refs: Vec<&mut App> = clients.iter_mut().collect();
        pump_in_turn(&mut h, &mut refs, 120);
        assert_eq!(session(&h).situation().phase(), Phase::Ended, "{policy:?}");
        let mut g = cbm_ttx_core::engine::Game::new(s.clone(), 7);
        for st in s.state_ids() {
            g.handle(
                Seat::Control,
                Command::TakeSeat {
                    seat: Seat::State(st),
                    name: "Tester".into(),
                },
            )
            .unwrap();
        }
        g.handle(Seat::Control, Command::Start).unwrap();
        cbm_ttx_core::sim::batch::play_rounds(&mut g, policy);
        let (net, sim) = (session(&h).events(), g.events());
        if let Some(k) = net.iter().zip(sim).position(|(a, b)| a != b) {
            panic!(
                "{policy:?}: event {k} differs:\nnetwork {:?}\nsimulate {:?}\nbefore: {:?}",
                net[k],
                sim[k],
                &net[k.saturating_sub(3)..k]
            );
        }
        assert_eq!(net.len(), sim.len(), "{policy:?}");
    }
}

/// Every byte a LAN client receives, over whole bot games of the reference scenario
/// with a unique marker in every private text and id: a marker reaches a seat only in
/// the message that carries the event disclosing it to that seat.
#[test]
fn no_private_text_reaches_a_lan_client_outside_its_disclosures() {
    let (s, markers) = marked();
    let seats = [
        "ardenia",
        "borovia",
        "corvinia/cert",
        "corvinia/mfa",
        "dalmora",
        "eskeland",
    ];
    for policy in [Policy::Cooperative, Policy::Random] {
        let dir = tempfile::tempdir().unwrap();
        let mut h = host(s.clone(), &dir.path().join("j.jsonl"), seats.len());
        let mut clients: Vec<App> = seats
            .iter()
            .map(|k| recording(client(CODE, Some(k), Some(policy))))
            .collect();
        for c in clients.iter_mut() {
            h.connect_client(c);
        }
        let mut refs: Vec<&mut App> = clients.iter_mut().collect();
        pump(&mut h, &mut refs, 150);
        assert_eq!(session(&h).situation().phase(), Phase::Ended);
        let mut disclosed = 0;
        for (c, key) in clients.iter().zip(seats) {
            let seat = Seat::parse(key, &s).unwrap();
            for msg in &c.world().resource::<Received>().0 {
                let found = found_markers(msg, &markers);
                if found.is_empty() {
                    continue;
                }
                let parsed: cbm_ttx::net::ServerMsg = serde_json::from_str(msg).unwrap();
                let cbm_ttx::net::ServerMsg::Events {
                    events,
                    disclosures,
                    ..
                } = parsed
                else {
                    panic!("{key}: private text outside an event: {found:?} in {msg:.300}");
                };
                for (m, owner) in found {
                    assert_ne!(owner, Owner::Never, "{key}: {m}");
                    let carried = events.iter().zip(&disclosures).any(|(e, ds)| {
                        e.audience.includes(seat)
                            && ds.iter().any(|d| {
                                let o = match d {
                                    cbm_ttx_core::engine::Disclosure::Fact(f, _) => Owner::Fact(*f),
                                    cbm_ttx_core::engine::Disclosure::Inject(i, _) => {
                                        Owner::Inject(*i)
                                    }
                                    cbm_ttx_core::engine::Disclosure::Incident(i, _) => {
                                        Owner::Incident(*i)
                                    }
                                    cbm_ttx_core::engine::Disclosure::Round(r, _) => {
                                        Owner::Round(*r)
                                    }
                                };
                                o == owner
                                    && cbm_ttx_core::engine::disclose::disclose(&s, seat, e)
                                        .contains(d)
                            })
                    });
                    assert!(carried, "{key}: {m} ({owner:?}) arrived without its event");
                    disclosed += 1;
                }
            }
        }
        assert!(disclosed > 100, "{disclosed}");
    }
}

/// A bot choosing its own seat that is told "taken" again and again picks another
/// free seat each time, but only so often: then it stops with the reason.
#[test]
fn a_bot_refused_taken_seats_tries_others_a_bounded_number_of_times() {
    use cbm_ttx::net::ServerMsg;
    use cbm_ttx::net::client::MAX_SEAT_TRIES;
    use cbm_ttx::net::seats::SeatInfo;
    let mut bot = client(CODE, None, Some(Policy::Cooperative));
    let seats = vec![
        SeatInfo {
            key: "lakeland".into(),
            label: "Lakeland".into(),
            taken: true,
        },
        SeatInfo {
            key: "hillmark".into(),
            label: "Hillmark".into(),
            taken: false,
        },
    ];
    for _ in 0..MAX_SEAT_TRIES {
        bot.world_mut().write_message(ServerMsg::Seats {
            title: "t".into(),
            seats: seats.clone(),
            reason: Some("Hillmark is taken".into()),
        });
        bot.update();
        assert_eq!(lan(&bot).status, Status::Connecting);
        assert_eq!(lan(&bot).wanted.as_deref(), Some("hillmark"));
    }
    bot.world_mut().write_message(ServerMsg::Seats {
        title: "t".into(),
        seats,
        reason: Some("Hillmark is taken".into()),
    });
    bot.update();
    bot.update();
    match &lan(&bot).status {
        Status::Denied(why) => assert!(
            why.contains("Hillmark is taken") && why.contains("20 tries"),
            "{why}"
        ),
        other => panic!("expected the bot to stop, got {other:?}"),
    }
    assert!(matches!(
        bot.world().get_resource::<BotOutcome>(),
        Some(BotOutcome::Failed(_))
    ));
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
                "--timeout",
                "10",
            ],
            data.path(),
        );
        let (code, _, err) = wait(c, 30);
        assert_ne!(code, 0);
        assert!(err.contains("no answer yet from the host"), "{err}");
        assert!(err.contains("cannot reach the host"), "{err}");
        assert!(err.contains("1 of 1 bots failed"), "{err}");
    }

    /// A host's stdout, line by line, as it comes.
    fn lines(child: &mut Child) -> std::sync::mpsc::Receiver<String> {
        use std::io::BufRead;
        let out = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for l in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        rx
    }

    fn wait_for(rx: &std::sync::mpsc::Receiver<String>, what: &str, secs: u64) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < deadline {
            if let Ok(l) = rx.recv_timeout(Duration::from_millis(100))
                && l.contains(what)
            {
                return l;
            }
        }
        panic!("no line with {what:?} within {secs} s");
    }

    /// A bot that crashes takes its own seat back when restarted; on a headless host,
    /// control frees a seat over the network so someone else can take it.
    #[test]
    fn a_restarted_bot_keeps_its_seat_and_control_frees_seats_on_a_headless_host() {
        let data = tempfile::tempdir().unwrap();
        let port = free_port().to_string();
        let addr = format!("127.0.0.1:{port}");
        let mut host = spawn(
            &[
                "host",
                "scenarios/tutorial.ron",
                "--headless",
                "--players",
                "2",
                "--code",
                "BOTS01",
                "--port",
                &port,
                "--bind",
                "127.0.0.1",
            ],
            data.path(),
        );
        let out = lines(&mut host);
        let key_line = wait_for(&out, "control key", 10);
        let key = key_line.rsplit(' ').next().unwrap().to_owned();
        let bot = |name: &str, seat: &str| {
            spawn(
                &[
                    "join",
                    &addr,
                    "--code",
                    "BOTS01",
                    "--bot",
                    "cooperative",
                    "--seat",
                    seat,
                    "--name",
                    name,
                ],
                data.path(),
            )
        };
        // Alpha takes Lakeland, then its process dies.
        let mut alpha = bot("Alpha", "lakeland");
        let tokens = data.path().join("bots/set-1.json");
        let deadline = Instant::now() + Duration::from_secs(15);
        while !std::fs::read_to_string(&tokens).is_ok_and(|t| t.contains("Alpha")) {
            assert!(Instant::now() < deadline, "the bot kept no token");
            std::thread::sleep(Duration::from_millis(50));
        }
        alpha.kill().unwrap();
        alpha.wait().unwrap();
        // Restarted, it is Lakeland again (not "taken").
        let alpha = bot("Alpha", "lakeland");
        std::thread::sleep(Duration::from_millis(800));
        // Control frees Hillmark (nobody there yet: refused with a reason), then...
        let free = |seat: &str| {
            spawn(
                &[
                    "join",
                    &addr,
                    "--code",
                    "BOTS01",
                    "--control-key",
                    &key,
                    "--free",
                    seat,
                ],
                data.path(),
            )
        };
        let (code, _, err) = wait(free("hillmark"), 20);
        assert_ne!(code, 0);
        assert!(err.contains("nobody sits in that seat"), "{err}");
        // ...a wrong key is turned away...
        let wrong = spawn(
            &[
                "join",
                &addr,
                "--code",
                "BOTS01",
                "--control-key",
                "nope",
                "--free",
                "lakeland",
            ],
            data.path(),
        );
        let (code, _, err) = wait(wrong, 20);
        assert_ne!(code, 0);
        assert!(err.contains("wrong control key"), "{err}");
        // Beta takes Hillmark and the exercise runs to the end.
        let beta = bot("Beta", "hillmark");
        let (ca, oa, ea) = wait(alpha, 60);
        let (cb, ob, eb) = wait(beta, 60);
        assert_eq!(ca, 0, "{oa}{ea}");
        assert_eq!(cb, 0, "{ob}{eb}");
        assert!(oa.contains("lakeland: the exercise ended"), "{oa}");
        let status = host.wait().unwrap();
        assert!(status.success());
    }

    /// Write a Tutorial journal at `journal` that was started, then cut by a crash in
    /// the middle of its next line (a torn tail); returns that line's number.
    fn started_with_a_torn_tail(journal: &std::path::Path) -> usize {
        {
            let rec = cbm_ttx_core::session::Recording {
                path: Some(journal.to_owned()),
                ..Default::default()
            };
            let mut s =
                cbm_ttx_core::session::Session::start(crate::common::tutorial(), None, 1, rec)
                    .unwrap();
            s.command(
                cbm_ttx_core::engine::Seat::Control,
                cbm_ttx_core::engine::Command::Start,
            )
            .unwrap();
        }
        let mut bytes = std::fs::read(journal).unwrap();
        let torn_line = bytes.iter().filter(|b| **b == b'\n').count() + 1;
        bytes.extend_from_slice(b"{\"sum\":\"0123");
        std::fs::write(journal, &bytes).unwrap();
        torn_line
    }

    /// A resume that is refused (damaged side file, UDP or web port in use) stops
    /// before the journal is touched: its torn tail stays where it was, no setting is
    /// appended, not a byte changes.
    #[test]
    fn a_refused_resume_leaves_the_journal_as_it_was() {
        let data = tempfile::tempdir().unwrap();
        let journal = data.path().join("j.jsonl");
        started_with_a_torn_tail(&journal);
        let bytes = std::fs::read(&journal).unwrap();
        let side = cbm_ttx::net::seats::side_file(&journal);
        let resume = |port: u16, web: u16| {
            let (port, web) = (port.to_string(), web.to_string());
            let args = [
                "host",
                "--headless",
                "--resume",
                journal.to_str().unwrap(),
                "--port",
                &port,
                "--web-port",
                &web,
                "--round-seconds",
                "60",
            ];
            wait(spawn(&args, data.path()), 20)
        };
        // The side file is damaged.
        std::fs::write(&side, b"{ torn").unwrap();
        let (code, out, err) = resume(free_port(), free_port());
        assert_eq!(code, 1, "{out}{err}");
        assert!(
            err.contains(".host.json") && err.contains("lock every participant out"),
            "{err}"
        );
        assert_eq!(
            std::fs::read(&journal).unwrap(),
            bytes,
            "the journal changed"
        );
        assert!(!cbm_ttx_core::journal::side_path(&journal).exists());
        // A good side file, but the UDP port is taken.
        std::fs::write(&side, br#"{"code":"RES001","control_key":"k","tokens":{}}"#).unwrap();
        let busy = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
        let (code, out, err) = resume(busy.local_addr().unwrap().port(), free_port());
        assert_eq!(code, 1, "{out}{err}");
        assert!(err.contains("cannot listen on UDP"), "{err}");
        assert_eq!(
            std::fs::read(&journal).unwrap(),
            bytes,
            "the journal changed"
        );
        // The web port is taken.
        let busy = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
        let (code, out, err) = resume(free_port(), busy.local_addr().unwrap().port());
        assert_eq!(code, 1, "{out}{err}");
        assert!(err.contains("TCP"), "{err}");
        assert_eq!(
            std::fs::read(&journal).unwrap(),
            bytes,
            "the journal changed"
        );
    }

    /// A process's stdout lines after `lines`, its exit code and stderr.
    fn finish(
        mut child: Child,
        rx: std::sync::mpsc::Receiver<String>,
        secs: u64,
    ) -> (i32, Vec<String>, String) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("process did not finish in {secs} s");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let out = rx.iter().collect();
        (status.code().unwrap_or(-1), out, err)
    }

    /// The seats a bot process says its bots took, from `n` "seated at" lines.
    fn seated(rx: &std::sync::mpsc::Receiver<String>, n: usize) -> Vec<String> {
        let mut seats: Vec<String> = (0..n)
            .map(|_| {
                let l = wait_for(rx, ": seated at ", 30);
                l.rsplit(' ').next().unwrap().to_owned()
            })
            .collect();
        seats.sort();
        seats
    }

    /// The seats a bot process's bots ended the exercise in.
    fn ended(out: &[String]) -> Vec<String> {
        let mut seats: Vec<String> = out
            .iter()
            .filter_map(|l| {
                l.split_once(": the exercise ended")
                    .map(|(s, _)| s.to_owned())
            })
            .collect();
        seats.sort();
        seats
    }

    fn generated(data: &std::path::Path, rounds: &str) -> String {
        let path = data.join("gen.ron");
        let (code, out, err) = wait(
            spawn(
                &[
                    "generate",
                    "--states",
                    "3",
                    "--bodies",
                    "5",
                    "--injects",
                    "12",
                    "--rounds",
                    rounds,
                    "--out",
                    path.to_str().unwrap(),
                ],
                data,
            ),
            30,
        );
        assert_eq!(code, 0, "{out}{err}");
        path.to_str().unwrap().to_owned()
    }

    fn headless(data: &std::path::Path, scenario: &str, players: &str, port: &str) -> Child {
        spawn(
            &[
                "host",
                scenario,
                "--headless",
                "--players",
                players,
                "--code",
                "SETS01",
                "--port",
                port,
                "--bind",
                "127.0.0.1",
                "--round-seconds",
                "0",
                "--no-web",
            ],
            data,
        )
    }

    fn bot_process(data: &std::path::Path, addr: &str, extra: &[&str]) -> Child {
        let mut args = vec![
            "join",
            addr,
            "--code",
            "SETS01",
            "--bot",
            "cooperative",
            "--count",
            "4",
            "--bodies",
            "--timeout",
            "90",
        ];
        args.extend_from_slice(extra);
        spawn(&args, data)
    }

    fn journal_of(host_out: &[String]) -> cbm_ttx_core::journal::Loaded {
        let journal = host_out
            .iter()
            .rev()
            .find_map(|l| l.strip_prefix("journal: "))
            .expect("journal path printed");
        cbm_ttx_core::journal::read(std::path::Path::new(journal)).unwrap()
    }

    /// Two bot processes on one machine, one data directory, one host: each has its
    /// own set (names, token file), every bot its own seat, and both play to the end.
    #[test]
    fn two_bot_processes_on_one_machine_have_their_own_names_tokens_and_seats() {
        let data = tempfile::tempdir().unwrap();
        let scenario = generated(data.path(), "2");
        let port = free_port().to_string();
        let addr = format!("127.0.0.1:{port}");
        let mut host = headless(data.path(), &scenario, "8", &port);
        let host_out = lines(&mut host);
        wait_for(&host_out, "join code", 10);
        let mut a = bot_process(data.path(), &addr, &[]);
        let mut b = bot_process(data.path(), &addr, &[]);
        let (ra, rb) = (lines(&mut a), lines(&mut b));
        let (ca, oa, ea) = finish(a, ra, 90);
        let (cb, ob, eb) = finish(b, rb, 90);
        assert_eq!(ca, 0, "{oa:?}{ea}");
        assert_eq!(cb, 0, "{ob:?}{eb}");
        let (sa, sb) = (ended(&oa), ended(&ob));
        assert_eq!((sa.len(), sb.len()), (4, 4), "{oa:?}{ob:?}");
        let mut all: Vec<&String> = sa.iter().chain(&sb).collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 8, "a seat held twice: {sa:?} {sb:?}");
        let (ch, oh, eh) = finish(host, host_out, 40);
        assert_eq!(ch, 0, "{oh:?}{eh}");
        let loaded = journal_of(&oh);
        let mut names: Vec<String> = loaded
            .events()
            .iter()
            .filter_map(|e| match &e.kind {
                cbm_ttx_core::engine::EventKind::SeatTaken { name, .. } => Some(name.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(names.len(), 8, "{names:?}");
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 8, "two bots with one name: {names:?}");
        // One set each, its own token file with its own four bots.
        let mut sets = [ea.contains("bots: set 1,"), eb.contains("bots: set 1,")];
        sets.sort();
        assert_eq!(sets, [false, true], "{ea}{eb}");
        assert!(ea.contains("bots: set 2,") || eb.contains("bots: set 2,"));
        for n in [1, 2] {
            let file = data.path().join(format!("bots/set-{n}.json"));
            let tokens: std::collections::BTreeMap<String, String> =
                serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
            assert_eq!(tokens.len(), 4, "{tokens:?}");
            assert!(tokens.keys().all(|k| k.contains(&format!(" bot {n}."))));
        }
    }

    /// A bot process killed (-9) while a round waits for it and started again takes
    /// its own set: the same tokens, its own seats back (never the other process's),
    /// and the exercise ends.
    #[test]
    fn a_bot_process_killed_mid_round_and_restarted_gets_its_own_seats_back() {
        let data = tempfile::tempdir().unwrap();
        let scenario = generated(data.path(), "4");
        let port = free_port().to_string();
        let addr = format!("127.0.0.1:{port}");
        let mut host = headless(data.path(), &scenario, "8", &port);
        let host_out = lines(&mut host);
        wait_for(&host_out, "join code", 10);
        // The first process updates slowly, so a round waits for it.
        let mut first = bot_process(data.path(), &addr, &["--frame-ms", "500"]);
        let first_out = lines(&mut first);
        let first_seats = seated(&first_out, 4);
        let set1 = data.path().join("bots/set-1.json");
        let tokens = std::fs::read(&set1).unwrap();
        let mut second = bot_process(data.path(), &addr, &[]);
        let second_out = lines(&mut second);
        let second_seats = seated(&second_out, 4);
        assert!(
            first_seats.iter().all(|s| !second_seats.contains(s)),
            "{first_seats:?} {second_seats:?}"
        );
        // Mid-exercise: the first round closed, the next waits for the first process.
        wait_for(&host_out, "round 1: closing", 30);
        first.kill().unwrap();
        first.wait().unwrap();
        let mut again = bot_process(data.path(), &addr, &[]);
        let again_out = lines(&mut again);
        assert_eq!(seated(&again_out, 4), first_seats, "not its own seats");
        let (ca, oa, ea) = finish(again, again_out, 90);
        assert_eq!(ca, 0, "{oa:?}{ea}");
        assert!(ea.contains("bots: set 1,"), "{ea}");
        assert_eq!(ended(&oa), first_seats);
        assert_eq!(std::fs::read(&set1).unwrap(), tokens, "tokens changed");
        let (cb, ob, eb) = finish(second, second_out, 90);
        assert_eq!(cb, 0, "{ob:?}{eb}");
        assert_eq!(ended(&ob), second_seats);
        let (ch, oh, eh) = finish(host, host_out, 40);
        assert_eq!(ch, 0, "{oh:?}{eh}");
        assert!(
            journal_of(&oh)
                .events()
                .iter()
                .any(|e| matches!(e.kind, cbm_ttx_core::engine::EventKind::ExerciseEnded))
        );
    }

    /// A bot started before its host (or while the host restarts) keeps trying until
    /// its --timeout, well past the first seconds of silence.
    #[test]
    fn a_bot_keeps_trying_until_a_late_host_is_up() {
        let data = tempfile::tempdir().unwrap();
        let port = free_port().to_string();
        let addr = format!("127.0.0.1:{port}");
        let mut bot = spawn(
            &[
                "join",
                &addr,
                "--code",
                "SETS01",
                "--bot",
                "hawkish",
                "--timeout",
                "60",
            ],
            data.path(),
        );
        let bot_out = lines(&mut bot);
        std::thread::sleep(Duration::from_secs(10));
        let host = spawn(
            &[
                "host",
                "scenarios/tutorial.ron",
                "--headless",
                "--players",
                "1",
                "--code",
                "SETS01",
                "--port",
                &port,
                "--bind",
                "127.0.0.1",
                "--no-web",
            ],
            data.path(),
        );
        let (code, out, err) = finish(bot, bot_out, 60);
        assert_eq!(code, 0, "{out:?}{err}");
        assert!(err.contains("no answer yet from the host"), "{err}");
        assert_eq!(ended(&out).len(), 1, "{out:?}");
        let (ch, oh, eh) = wait(host, 40);
        assert_eq!(ch, 0, "{oh}{eh}");
    }

    /// A seat whose participant is gone for good (its process killed once seated, never
    /// started again) holds a clockless round up only for --rejoin-seconds: the
    /// headless host frees it, journaled and said, and the exercise ends with the
    /// others.
    #[test]
    fn a_seat_whose_participant_never_comes_back_stops_holding_up_a_clockless_round() {
        let data = tempfile::tempdir().unwrap();
        let port = free_port().to_string();
        let addr = format!("127.0.0.1:{port}");
        let mut host = spawn(
            &[
                "host",
                "scenarios/tutorial.ron",
                "--headless",
                "--players",
                "2",
                "--code",
                "GONE01",
                "--port",
                &port,
                "--bind",
                "127.0.0.1",
                "--round-seconds",
                "0",
                "--rejoin-seconds",
                "2",
                "--no-web",
            ],
            data.path(),
        );
        let host_out = lines(&mut host);
        wait_for(&host_out, "join code", 10);
        let bot = |name: &str, seat: &str| {
            spawn(
                &[
                    "join",
                    &addr,
                    "--code",
                    "GONE01",
                    "--bot",
                    "cooperative",
                    "--seat",
                    seat,
                    "--name",
                    name,
                    "--timeout",
                    "80",
                ],
                data.path(),
            )
        };
        let mut gone = bot("Gone", "lakeland");
        let gone_out = lines(&mut gone);
        wait_for(&gone_out, "Gone: seated at lakeland", 30);
        gone.kill().unwrap();
        gone.wait().unwrap();
        let stay = bot("Stay", "hillmark");
        let (cs, os, es) = wait(stay, 100);
        assert_eq!(cs, 0, "{os}{es}");
        assert!(os.contains("hillmark: the exercise ended"), "{os}");
        let (ch, oh, eh) = finish(host, host_out, 60);
        assert_eq!(ch, 0, "{oh:?}{eh}");
        assert!(
            oh.iter()
                .any(|l| l.contains("freeing seat lakeland (Gone)")
                    && l.contains("--rejoin-seconds 2")),
            "{oh:?}"
        );
        let loaded = journal_of(&oh);
        let events = loaded.events();
        let freed: Vec<String> = events
            .iter()
            .filter_map(|e| match &e.kind {
                cbm_ttx_core::engine::EventKind::SeatFreed { seat } => {
                    Some(seat.key(&crate::common::tutorial()))
                }
                _ => None,
            })
            .collect();
        assert_eq!(freed, ["lakeland"]);
        assert!(
            events
                .iter()
                .any(|e| matches!(e.kind, cbm_ttx_core::engine::EventKind::ExerciseEnded))
        );
    }

    /// A headless resume says what it set aside (a torn last line) and which options it
    /// did not follow (--code, --seed: the exercise keeps its own).
    #[test]
    fn a_headless_resume_says_what_it_set_aside_and_what_it_ignored() {
        let data = tempfile::tempdir().unwrap();
        let journal = data.path().join("j.jsonl");
        let torn_line = started_with_a_torn_tail(&journal);
        std::fs::write(
            cbm_ttx::net::seats::side_file(&journal),
            br#"{"code":"RES001","control_key":"k","tokens":{}}"#,
        )
        .unwrap();
        let port = free_port().to_string();
        let resume = |extra: &[&str]| {
            let mut args = vec![
                "host",
                "--headless",
                "--resume",
                journal.to_str().unwrap(),
                "--port",
                &port,
                "--bind",
                "127.0.0.1",
                "--no-web",
            ];
            args.extend_from_slice(extra);
            let mut host = spawn(&args, data.path());
            let out = lines(&mut host);
            wait_for(&out, "control key", 20);
            host.kill().unwrap();
            host.wait().unwrap();
            let mut err = String::new();
            host.stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            err
        };
        let err = resume(&["--code", "OTHER", "--seed", "7"]);
        let torn = format!("{}.torn", journal.display());
        assert!(
            err.contains(&format!("line {torn_line}) was cut off"))
                && err.contains(&format!("set aside in {torn}")),
            "{err}"
        );
        assert!(std::path::Path::new(&torn).exists());
        assert!(
            err.contains("--code OTHER ignored: a resumed exercise keeps its join code RES001"),
            "{err}"
        );
        assert!(
            err.contains("--seed 7 ignored: a resumed exercise keeps its seed 1"),
            "{err}"
        );
        // The same code and seed again, nothing left torn: nothing to say.
        let err = resume(&["--code", "res001", "--seed", "1"]);
        assert!(
            !err.contains("ignored") && !err.contains("cut off"),
            "{err}"
        );
    }
}
