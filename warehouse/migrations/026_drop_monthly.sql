-- figures_monthly (024) holds what monthly held; nothing reads or writes monthly any more.
DROP TABLE IF EXISTS monthly
