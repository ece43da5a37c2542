import express, { Request, Response } from 'express';
import axios from 'axios';
import jwt from 'jsonwebtoken';

const app = express();

app.get('/fetch', async (req: Request, res: Response) => {
  const url = req.query.url as string;
  // ruleid: js-ssrf-request-url
  const { data } = await axios.get(url);
  res.json({ data });
});

app.get('/go', (req: Request, res: Response) => {
  // ruleid: js-open-redirect
  res.redirect(String(req.query.to));
});

app.get('/hi', (req: Request, res: Response): void => {
  const name = req.params.name as string;
  // ruleid: js-express-reflected-xss
  res.send(`<p>Hello ${name}</p>`);
});

export function token(userId: string): string {
  // ruleid: js-jwt-hardcoded-secret
  return jwt.sign({ sub: userId }, 'changeme', { expiresIn: '1h' });
}

export function claims(t: string): jwt.JwtPayload | string | null {
  // ruleid: js-jwt-verification-off
  return jwt.decode(t);
}

// ruleid: js-cors-wildcard-origin
app.use((_req: Request, res: Response, next: () => void) => { res.setHeader('Access-Control-Allow-Origin', '*'); next(); });
