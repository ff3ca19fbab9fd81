//! The `tributary` command: parse the command line, load the configuration, run.

use std::io::BufRead;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;
use tributary::config::Config;
use tributary::tenants::{self, NewTenant};
use tributary::{demo, server};

/// mimalloc: a request allocates and frees many small buffers across the runtime's threads, which glibc's allocator
/// served with about a tenth of the server's CPU time under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "tributary", version, about = "Partner relationship management server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run migrations, then serve.
    Serve {
        /// Load the demo data first when the database holds no tenant yet.
        #[arg(long)]
        demo: bool,
    },
    /// Run migrations and exit.
    Migrate,
    /// Load the demo data (idempotent).
    Demo,
    /// Manage tenants.
    Tenant {
        #[command(subcommand)]
        command: TenantCommand,
    },
}

#[derive(Subcommand)]
enum TenantCommand {
    /// Create a tenant and its first program admin; the admin's password is read from standard input.
    Create {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        admin_email: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")))
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let reason = format!("{e:#}").replace('\n', " ");
            eprintln!("error: {reason}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    match cli.command {
        Command::Serve { demo } => server::serve(config, demo).await,
        Command::Migrate => {
            server::open_database(&config).await?.close().await;
            Ok(())
        }
        Command::Demo => {
            let database = server::open_database(&config).await?;
            let loaded = demo::load(&database.pool).await;
            database.close().await;
            if loaded? {
                eprintln!("demo data loaded: workspace \"demo\", password \"{}\"", demo::PASSWORD);
            } else {
                eprintln!("demo data already present; nothing changed");
            }
            Ok(())
        }
        Command::Tenant { command: TenantCommand::Create { slug, name, admin_email } } => {
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']).to_string();
            let database = server::open_database(&config).await?;
            let created = tenants::create(
                &database.pool,
                NewTenant {
                    slug: slug.clone(),
                    name,
                    admin_email,
                    admin_name: String::new(),
                    admin_password: password,
                },
            )
            .await;
            database.close().await;
            match created {
                Ok(id) => {
                    eprintln!("tenant {slug} created ({id})");
                    Ok(())
                }
                Err(tributary::error::Error::Invalid(errors)) => {
                    let reasons: Vec<String> =
                        errors.0.iter().map(|(field, messages)| format!("{field}: {}", messages.join(" "))).collect();
                    anyhow::bail!("{}", reasons.join("; "))
                }
                Err(e) => Err(anyhow::anyhow!("{e}")),
            }
        }
    }
}
