#!/usr/bin/env bash
# Prepares one release build from the CI secrets that are set, and only those: every signing step
# is switched on by its secrets and skipped without them, so a fork (or a first release before
# the certificates exist) still builds unsigned installers.
#
#   updater:  TAURI_SIGNING_PRIVATE_KEY [+ TAURI_SIGNING_PRIVATE_KEY_PASSWORD]
#             → signed update artifacts, latest.json, and the endpoint of this repository's
#               latest release baked into the build; without the key, no updater artifacts.
#   macOS:    APPLE_CERTIFICATE (base64 .p12) + APPLE_CERTIFICATE_PASSWORD + APPLE_SIGNING_IDENTITY
#             → Developer ID signing; APPLE_API_KEY_ID + APPLE_API_ISSUER + APPLE_API_KEY_P8
#             (the App Store Connect API key's .p8 text) → notarization.
#   Windows:  AZURE_CLIENT_ID + AZURE_CLIENT_SECRET + AZURE_TENANT_ID and the repository
#             variables AZURE_SIGNING_ENDPOINT, AZURE_SIGNING_ACCOUNT, AZURE_SIGNING_PROFILE
#             → Azure Trusted Signing through bundle.windows.signCommand.
#
# Writes a tauri config overlay (merged over src-tauri/tauri.conf.json with --config), exports
# the variables the Tauri CLI reads to $GITHUB_ENV, and sets the step outputs `args` (for
# tauri-action) and `updater` (true when latest.json can be signed and uploaded).
# Outside GitHub Actions it prints what it would do (used by .ci/test to check this script).
set -euo pipefail

runner_os="${RUNNER_OS:-$(uname -s)}"
key_dir="${RUNNER_TEMP:-$(mktemp -d)}"
github_env="${GITHUB_ENV:-/dev/null}" # never echo secrets outside Actions
github_output="${GITHUB_OUTPUT:-/dev/stdout}"
repository_url="${GITHUB_SERVER_URL:-https://github.com}/${GITHUB_REPOSITORY:-OWNER/REPO}"
# Relative to the repository root, where tauri-action runs the Tauri CLI (no drive letters or
# backslashes in the argument on Windows).
overlay="${RELEASE_CONFIG_PATH:-target/release-config.json}"

set_env() { # NAME VALUE — multi-line safe
  local delimiter="EOF_$RANDOM$RANDOM"
  printf '%s<<%s\n%s\n%s\n' "$1" "$delimiter" "$2" "$delimiter" >>"$github_env"
}
present() { [[ -n "${!1:-}" ]]; }
all_present() {
  local name
  for name in "$@"; do present "$name" || return 1; done
}
json_string() { # escapes for a JSON string literal (values here are URLs and names)
  local s="${1//\\/\\\\}"
  printf '"%s"' "${s//\"/\\\"}"
}

updater=false
if present TAURI_SIGNING_PRIVATE_KEY; then
  updater=true
  set_env TAURI_SIGNING_PRIVATE_KEY "$TAURI_SIGNING_PRIVATE_KEY"
  set_env TAURI_SIGNING_PRIVATE_KEY_PASSWORD "${TAURI_SIGNING_PRIVATE_KEY_PASSWORD:-}"
  endpoint="$repository_url/releases/latest/download/latest.json"
  updater_json="\"createUpdaterArtifacts\": true"
  plugins_json="\"plugins\": {\"updater\": {\"endpoints\": [$(json_string "$endpoint")]}}"
  echo "release-config: updater artifacts signed; endpoint $endpoint"
else
  updater_json="\"createUpdaterArtifacts\": false"
  plugins_json="\"plugins\": {\"updater\": {\"endpoints\": []}}"
  echo "release-config: no TAURI_SIGNING_PRIVATE_KEY — no updater artifacts, no latest.json"
fi

windows_json=""
if [[ "$runner_os" == Windows ]]; then
  if all_present AZURE_CLIENT_ID AZURE_CLIENT_SECRET AZURE_TENANT_ID \
      AZURE_SIGNING_ENDPOINT AZURE_SIGNING_ACCOUNT AZURE_SIGNING_PROFILE; then
    for name in AZURE_CLIENT_ID AZURE_CLIENT_SECRET AZURE_TENANT_ID; do
      set_env "$name" "${!name}"
    done
    windows_json=", \"windows\": {\"signCommand\": {\"cmd\": \"trusted-signing-cli\", \"args\": [
      \"-e\", $(json_string "$AZURE_SIGNING_ENDPOINT"), \"-a\", $(json_string "$AZURE_SIGNING_ACCOUNT"),
      \"-c\", $(json_string "$AZURE_SIGNING_PROFILE"), \"-d\", \"Prestage\", \"%1\"]}}"
    echo "sign_windows=true" >>"$github_output"
    echo "release-config: Windows installers signed with Azure Trusted Signing"
  else
    echo "sign_windows=false" >>"$github_output"
    echo "release-config: Azure signing secrets/variables not all set — Windows installers unsigned"
  fi
fi

if [[ "$runner_os" == macOS ]]; then
  if all_present APPLE_CERTIFICATE APPLE_CERTIFICATE_PASSWORD APPLE_SIGNING_IDENTITY; then
    for name in APPLE_CERTIFICATE APPLE_CERTIFICATE_PASSWORD APPLE_SIGNING_IDENTITY; do
      set_env "$name" "${!name}"
    done
    echo "release-config: macOS app signed as $APPLE_SIGNING_IDENTITY"
    if all_present APPLE_API_KEY_ID APPLE_API_ISSUER APPLE_API_KEY_P8; then
      key_path="$key_dir/AuthKey_$APPLE_API_KEY_ID.p8"
      (umask 077 && printf '%s\n' "$APPLE_API_KEY_P8" >"$key_path")
      set_env APPLE_API_KEY "$APPLE_API_KEY_ID"
      set_env APPLE_API_ISSUER "$APPLE_API_ISSUER"
      set_env APPLE_API_KEY_PATH "$key_path"
      echo "release-config: macOS app notarized with App Store Connect API key $APPLE_API_KEY_ID"
    else
      echo "release-config: no App Store Connect API key — signed but not notarized"
    fi
  else
    echo "release-config: no Apple certificate — macOS app unsigned (Gatekeeper will warn)"
  fi
fi

mkdir -p "$(dirname "$overlay")"
printf '{"bundle": {%s%s}, %s}\n' "$updater_json" "$windows_json" "$plugins_json" >"$overlay"
echo "args=--config $overlay" >>"$github_output"
echo "updater=$updater" >>"$github_output"
echo "release-config: overlay $overlay:"
cat "$overlay"
