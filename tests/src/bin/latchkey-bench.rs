//! `latchkey-bench`: measured figures as JSON (one subcommand per benchmark).

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        _ => {
            eprintln!("usage: latchkey-bench <benchmark> [--json]");
            std::process::exit(2);
        }
    }
}
