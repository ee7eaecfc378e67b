"""LLM providers behind one small async protocol (`providers.base.LLMProvider`).

    planner ──generate(messages, schema=…)──▶ ProviderChain ──▶ gemini | bedrock | openai
                                                  │ retries (providers.retry) per provider
                                                  └ falls through to the next on failure

Each vendor SDK is imported in exactly one module (`gemini.py`: google-genai, `bedrock.py`:
aioboto3, `openai_compat.py`: openai), and each of those maps its SDK's exceptions to
`providers.errors` in one function. Nothing outside this package sees a vendor type.
"""
