"""Provider tool formats: OpenAI, Anthropic, Gemini and MCP."""
