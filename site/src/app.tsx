/**
 * The app: who is signed in decides between setup, sign-in and the pages; the pages are one table
 * of URL patterns (Coder's URLs: `/@owner/workspace`, `/templates/name`, …).
 */
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { AuthProvider, can, useAuth, type Permission } from './auth.js';
import { Empty, ErrorAlert, Loading } from './components/feedback.js';
import { Layout } from './components/layout.js';
import { AccountPage, TokensPage } from './pages/account-page.js';
import { CreateWorkspacePage } from './pages/create-workspace-page.js';
import { DeploymentPage } from './pages/deployment-page.js';
import { LoginPage } from './pages/login-page.js';
import { SetupPage } from './pages/setup-page.js';
import { TemplatePage } from './pages/template-page.js';
import { TemplatesPage } from './pages/templates-page.js';
import { UsersPage } from './pages/users-page.js';
import { WorkspacePage } from './pages/workspace-page.js';
import { WorkspacesPage } from './pages/workspaces-page.js';
import { safeRedirect } from './lib/redirect.js';
import { Link, matchPath, navigate, RouterProvider, useLocation } from './router.js';

// xterm.js is large and only the terminal tab needs it.
const TerminalPage = lazy(() =>
  import('./pages/terminal-page.js').then((m) => ({ default: m.TerminalPage })),
);

interface Route {
  path: string;
  render(p: Record<string, string>): ReactNode;
  /** Pages shown without the navigation frame. */
  bare?: boolean;
  needs?: Permission;
}

const routes: Route[] = [
  { path: '/', render: () => <Redirect to="/workspaces" /> },
  { path: '/workspaces', render: () => <WorkspacesPage /> },
  { path: '/templates', render: () => <TemplatesPage /> },
  { path: '/templates/:template', render: (p) => <TemplatePage name={p.template!} tab="summary" /> },
  {
    path: '/templates/:template/versions',
    render: (p) => <TemplatePage name={p.template!} tab="versions" />,
  },
  {
    path: '/templates/:template/settings',
    render: (p) => <TemplatePage name={p.template!} tab="settings" />,
    needs: 'manage-templates',
  },
  {
    path: '/templates/:template/workspace',
    render: (p) => <CreateWorkspacePage templateName={p.template!} />,
  },
  { path: '/users', render: () => <UsersPage />, needs: 'manage-users' },
  { path: '/settings/account', render: () => <AccountPage /> },
  { path: '/settings/tokens', render: () => <TokensPage /> },
  { path: '/deployment', render: () => <DeploymentPage />, needs: 'view-deployment' },
  { path: '/@:owner/:workspace', render: (p) => <WorkspacePage owner={p.owner!} name={p.workspace!} /> },
  {
    path: '/@:owner/:target/terminal',
    render: (p) => (
      <Suspense fallback={<Loading label="Loading the terminal…" />}>
        <TerminalPage owner={p.owner!} target={p.target!} />
      </Suspense>
    ),
    bare: true,
  },
];

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function NotFound() {
  return (
    <Empty title="There is no page here.">
      <Link to="/workspaces">Go to your workspaces</Link>
    </Empty>
  );
}

function Pages() {
  const { state, refresh } = useAuth();
  const loc = useLocation();
  if (state.status === 'loading') return <Loading label="Starting…" />;
  if (state.status === 'unreachable')
    return (
      <div className="auth-page">
        <div className="auth-card">
          <h1>Hangar is not answering</h1>
          <ErrorAlert error={state.error} />
          <button
            type="button"
            className="btn btn-primary btn-block"
            onClick={() => void refresh().catch(() => {})}
          >
            Try again
          </button>
        </div>
      </div>
    );
  if (state.status === 'setup') return loc.path === '/setup' ? <SetupPage /> : <Redirect to="/setup" />;
  if (state.status === 'signed-out') {
    if (loc.path === '/login') return <LoginPage />;
    // Back here after signing in (also after a session expired mid-use).
    const back = loc.path === '/' || loc.path === '/setup' ? '' : `?redirect=${encodeURIComponent(loc.href)}`;
    return <Redirect to={`/login${back}`} />;
  }
  if (loc.path === '/login' || loc.path === '/setup')
    return <Redirect to={safeRedirect(loc.search.get('redirect'))} />;
  for (const r of routes) {
    const params = matchPath(r.path, loc.path);
    if (!params) continue;
    const page =
      r.needs && !can(state.user, r.needs) ? (
        <Empty title="You do not have access to this page." />
      ) : (
        r.render(params)
      );
    return r.bare ? page : <Layout>{page}</Layout>;
  }
  return (
    <Layout>
      <NotFound />
    </Layout>
  );
}

export function App() {
  return (
    <RouterProvider>
      <AuthProvider>
        <Pages />
      </AuthProvider>
    </RouterProvider>
  );
}
