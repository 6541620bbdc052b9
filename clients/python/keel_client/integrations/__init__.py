"""Optional framework integrations: `pip install keel-client[langchain]` / `[openai-agents]`."""
