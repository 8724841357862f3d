/** The variant stack's `echo` route: answers the frame's `text` back through the route response. */
export const handler = async (event: { body?: string; requestContext: { routeKey: string; connectionId: string } }) => {
  const frame = JSON.parse(event.body ?? '{}') as { text?: unknown };
  return {
    statusCode: 200,
    body: JSON.stringify({ type: 'echo', routeKey: event.requestContext.routeKey, text: frame.text }),
  };
};
