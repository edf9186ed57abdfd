-- Who put the section out (招标人, 采购人, 出让人 …: tradestat.Procedure.Buyer) as its export
-- writes it; '' where it does not say. A bidder's page lists the buyers it won from by it.
ALTER TABLE deals ADD COLUMN buyer String DEFAULT ''
