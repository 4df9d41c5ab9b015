//! Standard output and error for every layer (the command line, the headless host's
//! reports, the app's messages): written through [`emit`], so a reader that goes away
//! ends the process quietly with [`CLOSED_OUTPUT`] instead of a panic.

/// `println!` for every layer of the program: a closed pipe (`cbm-ttx validate … |
/// head -1`, `host --headless | head`) ends the process quietly instead of panicking.
#[macro_export]
macro_rules! outln {
    ($($t:tt)*) => { $crate::output::emit(false, format_args!("{}\n", format_args!($($t)*))) };
}

/// `print!` (see [`outln!`]).
#[macro_export]
macro_rules! out {
    ($($t:tt)*) => { $crate::output::emit(false, format_args!($($t)*)) };
}

/// `eprintln!` (see [`outln!`]).
#[macro_export]
macro_rules! errln {
    ($($t:tt)*) => { $crate::output::emit(true, format_args!("{}\n", format_args!($($t)*))) };
}

/// `eprint!` (see [`outln!`]).
#[macro_export]
macro_rules! err {
    ($($t:tt)*) => { $crate::output::emit(true, format_args!($($t)*)) };
}

/// The exit status when the output was closed: 128 + SIGPIPE, as shells expect.
pub const CLOSED_OUTPUT: i32 = 141;

/// Write to standard output (or error). If the reader has gone away, exit quietly
/// with [`CLOSED_OUTPUT`]; another failure to write is reported once on standard error.
pub fn emit(to_stderr: bool, text: std::fmt::Arguments) {
    use std::io::Write;
    let result = if to_stderr {
        std::io::stderr().lock().write_fmt(text)
    } else {
        std::io::stdout().lock().write_fmt(text)
    };
    match result {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(CLOSED_OUTPUT),
        Err(e) if !to_stderr => {
            let _ = writeln!(std::io::stderr(), "cannot write the output: {e}");
            std::process::exit(74)
        }
        Err(_) => {}
    }
}
