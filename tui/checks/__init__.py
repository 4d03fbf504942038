"""Checks, grouped by what they talk to. Modules here must not import boto3/mcp/httpx at module level."""
