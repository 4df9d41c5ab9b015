//! The participant web client: the host serves participants' browsers over HTTP,
//! beside the LAN (UDP) clients, from the same exercise and the same seat registry.
//!
//! - [`server`]: axum on a tokio runtime in its own thread; cookies, limits, security
//!   headers, embedded assets. It never touches the exercise.
//! - [`host`]: the bevy side ([`WebHostPlugin`], [`WebHost`]): seats browsers through
//!   the [`crate::net::seats::SeatRegistry`], sends their commands through the
//!   session service (the engine's checks, the journal), and pushes each live page
//!   the panels that changed, after the journal is synced.
//! - [`page`]: the pages, rendered in Rust from a seat's view (what it may know and
//!   nothing else), with [`html`]'s escaping; htmx (vendored, embedded) swaps the
//!   panels the host pushes as server-sent events.
//!
//! Layering: core ← exercise ← net ← web ← app ← cli. Nothing here imports `app`.

pub mod host;
pub mod html;
pub mod page;
pub mod server;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use bevy::prelude::*;

pub use host::{WebHost, WebHostPlugin};

/// Default TCP port: the same number as the LAN's UDP port, so one number opens both.
pub const DEFAULT_WEB_PORT: u16 = crate::net::DEFAULT_PORT;

/// How to serve browsers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebOptions {
    /// Where to listen (every interface by default).
    pub bind: SocketAddr,
    /// The address participants use, when it is not this machine's (behind a
    /// TLS-terminating reverse proxy: `https://ttx.example.org`).
    pub public_url: Option<String>,
}

impl Default for WebOptions {
    fn default() -> Self {
        WebOptions {
            bind: SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), DEFAULT_WEB_PORT),
            public_url: None,
        }
    }
}

impl WebOptions {
    /// The web gateway of a host: the LAN's address, this TCP port.
    pub fn for_host(opts: &crate::net::HostOptions, port: u16) -> WebOptions {
        WebOptions {
            bind: SocketAddr::new(opts.bind.ip(), port),
            public_url: opts.web_url.clone(),
        }
    }
}

/// A QR code as modules (dark or light), row by row, to draw in any toolkit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QrMatrix {
    /// Modules per side.
    pub width: usize,
    /// `width * width` values, row by row; true is dark.
    pub dark: Vec<bool>,
}

/// How participants reach the exercise from a browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinInfo {
    /// What participants type or scan: `http://192.168.1.20:5151/?code=K7QXM2` (the
    /// page still asks for the code, prefilled).
    pub url: String,
    /// The same without the code, to say aloud: `http://192.168.1.20:5151`.
    pub address: String,
    /// The board for a projector: `http://192.168.1.20:5151/board?code=K7QXM2`.
    pub board_url: String,
    /// The join code.
    pub code: String,
    /// The TCP port the web server listens on (to open in a firewall).
    pub port: u16,
    /// The QR code of `url`.
    pub qr: QrMatrix,
    /// The same QR code as an SVG document.
    pub qr_svg: String,
}

/// The base address participants use: the public URL if given, else this machine's
/// LAN address (or the bound one) and the port.
pub fn base_address(opts: &WebOptions, port: u16) -> String {
    if let Some(u) = &opts.public_url {
        return u.trim_end_matches('/').to_owned();
    }
    let ip = if opts.bind.ip().is_unspecified() {
        crate::net::local_addresses()
            .into_iter()
            .next()
            .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))
    } else {
        opts.bind.ip()
    };
    match ip {
        IpAddr::V6(v6) => format!("http://[{v6}]:{port}"),
        IpAddr::V4(v4) => format!("http://{v4}:{port}"),
    }
}

/// The join address, board address and QR code for a code.
pub fn join_info(opts: &WebOptions, port: u16, code: &str) -> JoinInfo {
    let address = base_address(opts, port);
    let code_q: String = form_urlencoded::byte_serialize(code.as_bytes()).collect();
    let url = format!("{address}/?code={code_q}");
    let (qr, qr_svg) = qr_code(&url);
    JoinInfo {
        board_url: format!("{address}/board?code={code_q}"),
        url,
        address,
        code: code.to_owned(),
        port,
        qr,
        qr_svg,
    }
}

/// A QR code of `text`: modules and SVG (empty if the text is too long for one).
pub fn qr_code(text: &str) -> (QrMatrix, String) {
    match qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M) {
        Ok(code) => {
            let width = code.width();
            let dark = code
                .to_colors()
                .into_iter()
                .map(|c| c == qrcode::Color::Dark)
                .collect();
            let svg = code
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(240, 240)
                .quiet_zone(true)
                .build();
            let svg = match svg.find("<svg") {
                Some(i) => svg[i..].to_owned(),
                None => svg,
            };
            (QrMatrix { width, dark }, svg)
        }
        Err(_) => (
            QrMatrix {
                width: 0,
                dark: Vec::new(),
            },
            String::new(),
        ),
    }
}

/// Start serving browsers for the exercise in `world` (which must hold its
/// [`crate::net::seats::SeatRegistry`]). Returns the bound port.
pub fn start(world: &mut World, opts: &WebOptions) -> Result<u16, String> {
    let code = world
        .get_resource::<crate::net::seats::SeatRegistry>()
        .map(|s| s.code.clone())
        .ok_or("no seat registry: the exercise is not hosted")?;
    let web = WebHost::start(opts, &code)
        .map_err(|e| format!("cannot listen for browsers on TCP {}: {e}", opts.bind))?;
    let port = web.port;
    world.insert_resource(web);
    Ok(port)
}

/// Stop serving browsers (the server thread ends and live pages close).
pub fn stop(world: &mut World) {
    world.remove_resource::<WebHost>();
}
