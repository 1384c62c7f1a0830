#!/usr/bin/env bash
# Copies the screenshots the last end-to-end run saved (artifacts/e2e) into
# docs/screenshots, for the README. Run the e2e suite first (./x test, or
# tests/e2e/run.sh); a missing shot is an error, so the docs never mix runs
# with gaps.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
from="${ARTIFACTS:-artifacts}/e2e"
to=docs/screenshots
# What the README shows, each named after the e2e shot it comes from.
shots=(
  setup chat-markdown chat-error-500 chat-branch-2 chat-stopped chat-image chat-search-results
  crash-restart hostile remote-image-placeholder startup-damaged instance-already-running
  update-ready mcp-settings mcp-approval mcp-tool-step mcp-inspector
  playground-function-calls playground-timeline playground-logprobs playground-mcp-approval
  playground-structured playground-compare playground-code-export playground-presets
  playground-background-resume capabilities-composer capabilities-settings gateway-litellm
  chat-error-401 chat-knowledge chat-file-citation chat-code chat-generated-image playground-file-search
  playground-code-image-cards settings-usage
  your-data-restore-confirm your-data-chatgpt-branches your-data-refused-vi
  assistant-editor assistant-editor-vi assistant-starters assistant-chat assistant-chat-vi
  evals-new-run evals-progress evals-results evals-results-vi
  chat-long-answer-picked-up quick-ask shortcut-sheet settings-long-answers playground-add-answer
)
for shot in "${shots[@]}"; do
  [ -f "$from/$shot.png" ] || { echo "missing $from/$shot.png: run the e2e tests first" >&2; exit 1; }
done
rm -f "$to"/*.png
for shot in "${shots[@]}"; do cp "$from/$shot.png" "$to/"; done
echo "copied ${#shots[@]} screenshots to $to"
