import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { api, ApiError, setCsrfToken, setUnauthenticatedHandler } from "./api";
import type { Me, Role } from "./types";

interface AuthState {
  me: Me | null;
  loading: boolean;
  login(username: string, password: string, organization?: string): Promise<void>;
  logout(): Promise<void>;
  switchEnvironment(environment: "live" | "test"): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);

  const accept = useCallback((next: Me | null) => {
    setCsrfToken(next?.csrf_token ?? null);
    setMe(next);
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => accept(null));
    api
      .get<Me>("/api/v1/auth/me")
      .then(accept)
      .catch((err) => {
        if (!(err instanceof ApiError && err.status === 401)) console.error(err);
        accept(null);
      })
      .finally(() => setLoading(false));
    return () => setUnauthenticatedHandler(null);
  }, [accept]);

  const login = useCallback(
    async (username: string, password: string, organization?: string) => {
      accept(await api.post<Me>("/api/v1/auth/login", { username, password, organization }));
    },
    [accept],
  );
  const logout = useCallback(async () => {
    try {
      await api.post("/api/v1/auth/logout");
    } finally {
      accept(null);
    }
  }, [accept]);
  const switchEnvironment = useCallback(
    async (environment: "live" | "test") => {
      accept(await api.post<Me>("/api/v1/auth/environment", { environment }));
    },
    [accept],
  );

  return (
    <AuthContext.Provider value={{ me, loading, login, logout, switchEnvironment }}>
      {children}
    </AuthContext.Provider>
  );
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error("useAuth outside AuthProvider");
  return state;
}

export const canManage = (role: Role | undefined) => role === "admin" || role === "requester";
export const isAdmin = (role: Role | undefined) => role === "admin";
