// Operator session: access token (15 min) refreshed ahead of expiry with the rotating refresh
// token kept in localStorage; a refused refresh (revoked, reused) logs out.
import { createMisyClient, type OperatorSession } from '@misy/sdk';

const KEY = 'misy:console:refresh';

export class Auth {
  session?: OperatorSession;
  private timer?: ReturnType<typeof setTimeout>;
  readonly api = createMisyClient({ baseUrl: location.origin, token: () => this.session?.accessToken });
  onChange: (s: OperatorSession | undefined) => void = () => {};

  async login(email: string, password: string) {
    this.set(await this.api.auth.login(email, password));
  }

  /** Resumes a session from the stored refresh token; false when there is none or it was refused. */
  async resume(): Promise<boolean> {
    const token = localStorage.getItem(KEY);
    if (!token) return false;
    try {
      this.set(await this.api.auth.refresh(token));
      return true;
    } catch {
      localStorage.removeItem(KEY);
      return false;
    }
  }

  async logout() {
    const token = this.session?.refreshToken;
    this.set(undefined);
    if (token) await this.api.auth.logout(token).catch(() => {});
  }

  private set(s: OperatorSession | undefined) {
    this.session = s;
    clearTimeout(this.timer);
    if (s) {
      localStorage.setItem(KEY, s.refreshToken);
      this.timer = setTimeout(() => void this.resume().then((ok) => { if (!ok) this.set(undefined); }), Math.max(10, s.expiresIn - 60) * 1000);
    } else {
      localStorage.removeItem(KEY);
    }
    this.onChange(s);
  }
}
