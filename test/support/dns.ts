import dns2 from 'dns2';

// A DNS server on loopback that answers TXT questions from a table the test fills, so that domain
// verification runs through a real resolver (node:dns with SP_DNS_SERVERS) against real DNS packets.

export interface TestDns {
  /** `host:port`, for SP_DNS_SERVERS. */
  server: string;
  /** Publishes (replaces) the TXT values of `name`. */
  setTxt(name: string, values: string[]): void;
  /** How many questions the server has answered. */
  questions(): number;
  close(): Promise<void>;
}

export async function startTestDns(): Promise<TestDns> {
  const records = new Map<string, string[]>();
  let asked = 0;
  const { Packet } = dns2;
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      asked++;
      const response = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      const values = question ? records.get(question.name.toLowerCase()) : undefined;
      if (!question || !values) {
        response.header.rcode = 3; // NXDOMAIN
      } else if (question.type === Packet.TYPE.TXT) {
        for (const value of values) {
          // dns2's Resource type asks for its own toBuffer; the encoder takes a plain record.
          response.answers.push({
            name: question.name,
            type: Packet.TYPE.TXT,
            class: Packet.CLASS.IN,
            ttl: 1,
            data: value,
          } as unknown as (typeof response.answers)[number]);
        }
      }
      send(response);
    },
  });
  await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  const port = server.addresses().udp?.port;
  if (!port) throw new Error('the test DNS server did not start');
  return {
    server: `127.0.0.1:${port}`,
    setTxt: (name, values) => records.set(name.toLowerCase(), values),
    questions: () => asked,
    close: () => server.close(),
  };
}
