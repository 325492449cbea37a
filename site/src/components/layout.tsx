/** The signed-in frame: a skip link, the navigation bar, and the page's main landmark. */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { can, useAuth, useMe } from '../auth.js';
import { Link, navigate, useLocation } from '../router.js';

function NavLink({ to, children, match }: { to: string; children: ReactNode; match: RegExp }) {
  const { path } = useLocation();
  const active = match.test(path);
  return (
    <Link to={to} className={`nav-link${active ? ' active' : ''}`} aria-current={active ? 'page' : undefined}>
      {children}
    </Link>
  );
}

function UserMenu() {
  const me = useMe();
  const { signOut } = useAuth();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !ref.current?.contains(e.target as Node))
        setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);
  return (
    <div className="user-menu" ref={ref}>
      <button
        type="button"
        className="user-button"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="avatar" aria-hidden="true">
          {me.username.charAt(0).toUpperCase()}
        </span>
        <span className="user-name">{me.username}</span>
      </button>
      {open && (
        <div className="menu" role="menu">
          <div className="menu-header">
            <strong>{me.name || me.username}</strong>
            <span>{me.email}</span>
          </div>
          <Link to="/settings/account" role="menuitem" className="menu-item" onClick={() => setOpen(false)}>
            Account
          </Link>
          <Link to="/settings/tokens" role="menuitem" className="menu-item" onClick={() => setOpen(false)}>
            API tokens
          </Link>
          <button
            type="button"
            role="menuitem"
            className="menu-item"
            onClick={() => {
              setOpen(false);
              void signOut().finally(() => navigate('/login'));
            }}
          >
            Sign out
          </button>
        </div>
      )}
    </div>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const me = useMe();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/workspaces" className="brand" aria-label="Hangar home">
          <span className="brand-mark" aria-hidden="true">
            ▲
          </span>
          Hangar
        </Link>
        <nav className="nav" aria-label="Main">
          <NavLink to="/workspaces" match={/^\/(workspaces|@)/}>
            Workspaces
          </NavLink>
          <NavLink to="/templates" match={/^\/templates/}>
            Templates
          </NavLink>
          {can(me, 'manage-users') && (
            <NavLink to="/users" match={/^\/users/}>
              Users
            </NavLink>
          )}
          {can(me, 'view-deployment') && (
            <NavLink to="/deployment" match={/^\/deployment/}>
              Deployment
            </NavLink>
          )}
        </nav>
        <UserMenu />
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

export function PageHeader({
  title,
  subtitle,
  actions,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle && <div className="page-subtitle">{subtitle}</div>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </div>
  );
}

/** Tabs as links (each tab is its own URL, so reloads and the back button work). */
export function Tabs({ tabs }: { tabs: { to: string; label: string }[] }) {
  const { path } = useLocation();
  return (
    <nav className="tabs" aria-label="Sections">
      {tabs.map((t) => (
        <Link
          key={t.to}
          to={t.to}
          className={`tab${path === t.to ? ' active' : ''}`}
          aria-current={path === t.to ? 'page' : undefined}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}

/** Sets the document title while a page is shown. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Hangar` : 'Hangar';
  }, [title]);
}
