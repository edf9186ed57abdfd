-- The sector, class or kind under a lot's trade type as the export named it and the trade
-- catalogue calls it (房屋建筑 under 工程建设, 货物 under 政府采购): shown with the type in lot
-- lists and exports; empty when the export named none. No figure is summed by it.
ALTER TABLE deals ADD COLUMN sub_type String DEFAULT ''
