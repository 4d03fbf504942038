import express, { Request, Response } from 'express';
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { mcpServerCreate } from "./server";

const PORT = 8000;
const app = express();
app.use(express.json());

app.post('/mcp', async (req: Request, res: Response) => {
    const server = mcpServerCreate();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
    // (error handling and the GET/DELETE handlers removed)
  });

app.listen(PORT, "0.0.0.0", () => {
    console.log(`Bedrock agentcore Typescript MCP server running on port ${PORT}`);
  });
