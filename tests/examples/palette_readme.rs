//! The README's Palette example, compiled by `cargo clippy --all-targets` so it stays true.
//! `PALETTE_EMAIL=... PALETTE_PASSWORD=... PALETTE_PROJECT=... cargo run -p
//! integration-tests --example palette_readme` runs it against the real service.

use futures_util::TryStreamExt;

async fn example() -> Result<(), Box<dyn std::error::Error>> {
    let email = std::env::var("PALETTE_EMAIL")?;
    let password = std::env::var("PALETTE_PASSWORD")?;
    let project_uid = std::env::var("PALETTE_PROJECT")?;

    let client = palette_api::Client::builder()
        .token_provider(palette_api::Client::login(email, password))
        .build()?
        .with_project(project_uid)?; // sends ProjectUid on every request
    let mut users = client.users_list().items(); // follows listmeta.continue
    while let Some(user) = users.try_next().await? {
        println!("{:?}", user.metadata.and_then(|m| m.name));
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    if let Err(e) = example().await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
