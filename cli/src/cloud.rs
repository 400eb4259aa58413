//! `latchkey cloud`: the reference cloud on its own (HTTPS with a fresh
//! test CA, sled persistence in the data directory), for the demo, the
//! Kotlin tests and manual runs. docs/cloud-api.md documents the API.

use latchkey_sim::cloud::{CloudConfig, CloudServer};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Where and how to serve.
#[derive(clap::Args)]
pub struct CloudArgs {
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 8443)]
    port: u16,
    /// The cloud's database directory (kept across runs); `ca.pem` and
    /// `admin-token` are written there at every start.
    #[arg(long)]
    data_dir: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Print the connection details as one JSON line.
    #[arg(long)]
    json: bool,
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn run(args: CloudArgs) -> ExitCode {
    let mut config = CloudConfig::local(&args.data_dir).with_bind(SocketAddr::new(args.bind, args.port));
    if !args.bind.is_loopback() && !args.bind.is_unspecified() {
        config.server_names.push(args.bind.to_string());
    }
    let server = match CloudServer::start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("latchkey cloud: {e}");
            return ExitCode::FAILURE;
        }
    };
    let ca = args.data_dir.join("ca.pem");
    let token = args.data_dir.join("admin-token");
    if let Err(e) = write(&ca, server.ca_pem()).and_then(|()| write(&token, server.admin_token())) {
        eprintln!("latchkey cloud: can't write into {}: {e}", args.data_dir.display());
        return ExitCode::FAILURE;
    }
    let issuer = latchkey_protocol::hex::encode(&server.issuer_key().0);
    if args.json {
        let details = serde_json::json!({
            "base_url": server.base_url(),
            "ca_pem": ca,
            "admin_token": token,
            "issuer_key": issuer,
        });
        println!("{details}");
    } else {
        println!("latchkey reference cloud at {}", server.base_url());
        println!("  trust this CA:  {}", ca.display());
        println!(
            "  admin token:    {} (Authorization: Bearer …, for /admin/…)",
            token.display()
        );
        println!("  issuer key:     {issuer}");
        println!("Ctrl-C stops it.");
    }
    match server.run_until_signal().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("latchkey cloud: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes a file readable by its owner only (the admin token is a secret).
fn write(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}
