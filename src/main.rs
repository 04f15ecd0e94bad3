fn main() -> std::process::ExitCode {
    let cli = hearken::cli::Cli::from_env_and_args();
    // The search library logs every index it builds; only its warnings, unless asked for.
    let filter = if cli.log.contains("tantivy") {
        cli.log.clone()
    } else {
        format!("{},tantivy=warn", cli.log)
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&filter)
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tantivy=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    match hearken::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("hearken: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
